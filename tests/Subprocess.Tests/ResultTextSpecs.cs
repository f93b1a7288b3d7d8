namespace Subprocess.Tests;

/// <summary>What a user reads: results printed, failures' output as text, command lines in messages.</summary>
public class ResultTextSpecs : Spec
{
    [Fact]
    public void A_captured_result_prints_its_output_as_text_and_its_stages_as_a_list()
    {
        string single = Command.Create("printf", "hi\n\t\"x\"").Capture().ToString();
        string piped = (Command.Create("echo", "a") | Command.Create("cat")).Capture().ToString();

        Assert.StartsWith("CapturedResult { CommandLine = printf ", single);
        Assert.Contains("Stdout = 7 bytes \"hi\\n\\t\\\"x\\\"\", Stderr = 0 bytes", single);
        Assert.DoesNotContain("System.Byte[]", single);
        Assert.DoesNotContain("Stages", single); // one command, one status: the ExitStatus says it
        Assert.Contains("Stages = [", piped);
        Assert.DoesNotContain("<>", piped);
    }

    [Fact]
    public void A_long_output_is_shown_by_its_start()
    {
        string text = Command.Create("seq", "1000").Capture().ToString();

        Assert.Contains("Stdout = 3893 bytes \"1\\n2\\n", text);
        Assert.Contains("...\"", text);
    }

    [Fact]
    public void A_failure_carries_its_stdout_as_text_too()
    {
        var error = Assert.Throws<ProcessFailedException>(() => Command.Shell("echo out; echo err >&2; exit 3").Capture());

        Assert.Equal("out\n", error.StdoutText);
        Assert.Equal("err\n", error.StderrText);
    }

    [Fact]
    public void A_command_line_with_quotes_is_set_off_in_double_quotes_not_doubled_single_ones()
    {
        var timedOut = Assert.Throws<ProcessTimeoutException>(() => Command.Shell("sleep 100").WithTimeout(TimeSpan.FromMilliseconds(100)).Run());
        var failed = Assert.Throws<ProcessFailedException>(() => Command.Create("false").Run());

        Assert.StartsWith("Command \"/bin/sh -c 'sleep 100'\" timed out after 0.1 s", timedOut.Message);
        Assert.StartsWith("Command 'false' exited", failed.Message);
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>No shell, no leaked secrets: what reaches the child is exactly what was given.</summary>
public class SecuritySpecs : Spec
{
    [Fact(Timeout = 20_000)]
    public async Task Shell_syntax_in_arguments_reaches_the_child_as_plain_text()
    {
        string[] hostile = ["; rm -rf /tmp/nothing", "$(touch /tmp/subproc-pwned)", "`id`", "a && b", "x | y", "'\"", "line1\nline2", "$HOME", "*"];
        CapturedResult result = await Command.Create("printf", ["%s\\0", .. hostile]).CaptureAsync();

        Assert.Equal(hostile, result.StdoutText.Split('\0', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists("/tmp/subproc-pwned"));
    }

    [NativeFact("passes only valid UTF-8", Timeout = 20_000)]
    public async Task A_raw_argument_that_is_not_UTF8_reaches_the_child_byte_for_byte()
    {
        byte[] raw = [0xff, 0xfe, (byte)'a', 0x80, (byte)'\n', 0xc3];
        Command command = Command.Create("printf", "%s").WithRawArgument(raw);
        CapturedResult result = await command.CaptureAsync();

        Assert.Equal(raw, result.Stdout);
        Assert.Equal("\uFFFD\uFFFDa\uFFFD\n\uFFFD", command.Arguments[1]);
        Assert.Throws<ArgumentException>(() => Command.Create("printf").WithRawArgument([1, 0]));
    }

    [Fact(Timeout = 20_000)]
    public async Task The_portable_spawner_refuses_a_non_UTF8_argument_clearly()
    {
        using var spawner = Spawner.Use(SpawnerKind.Portable);
        await Task.Yield();
        var error = Assert.Throws<ProcessStartException>(() => Command.Create("printf").WithRawArgument([0xff]).Start());
        Assert.Contains("argument 1 is not valid UTF-8", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Environment_values_never_appear_in_exception_messages()
    {
        const string Secret = "hunter2-correct-horse";
        Command withSecret = Command.Shell("echo failing >&2; exit 3").WithEnvironment("PASSWORD", Secret);

        var failed = await Assert.ThrowsAsync<ProcessFailedException>(() => withSecret.CaptureAsync());
        var timedOut = await Assert.ThrowsAsync<ProcessTimeoutException>(
            () => Command.Create("sleep", "10").WithEnvironment("PASSWORD", Secret).WithTimeout(TimeSpan.FromSeconds(0.2)).RunAsync());
        var missing = Assert.Throws<ProcessStartException>(() => Command.Create("no-such-xyz").WithEnvironment("PASSWORD", Secret).Start());
        var badCwd = Assert.Throws<ProcessStartException>(
            () => Command.Create("true").WithEnvironment("PASSWORD", Secret).WithWorkingDirectory("/nonexistent").Start());

        foreach (Exception e in new Exception[] { failed, timedOut, missing, badCwd })
        {
            Assert.DoesNotContain(Secret, e.ToString());
        }
    }
}

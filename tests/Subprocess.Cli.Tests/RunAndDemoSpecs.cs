namespace Subprocess.Cli.Tests;

public class RunAndDemoSpecs : Spec
{
    [Fact(Timeout = 60_000)]
    public async Task Run_exits_with_the_childs_code_or_128_plus_its_signal()
    {
        Assert.Equal(7, (await Subproc.RunAsync("run", "--", "sh", "-c", "exit 7")).ExitStatus.Code);
        Assert.Equal(143, (await Subproc.RunAsync("run", "sh", "-c", "kill -TERM $$")).ExitStatus.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_with_a_timeout_lets_a_child_read_the_terminal_it_shares()
    {
        // Under script(1) stdin is a terminal: a child in a group of its own would be stopped (SIGTTIN)
        // by its read until the timeout ended it; in the terminal's foreground group it reads the line.
        string line = $"{Subproc.ShellPrefix} run --timeout 20s -- sh -c 'read x; echo got $x'";
        CapturedResult result = await Command.Create("script", "-qec", line, "/dev/null")
            .WithTimeout(TimeSpan.FromSeconds(50)).CaptureAsync("hello\n"u8.ToArray());

        Assert.Contains("got hello", result.StdoutText);
        Assert.Equal(0, result.ExitStatus.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_passes_the_programs_own_options_through()
    {
        CapturedResult result = await Subproc.RunAsync("run", "head", "-c", "3", "/dev/zero");
        Assert.Equal(3, result.Stdout.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_with_a_timeout_ends_the_tree_and_reports_the_signal()
    {
        CapturedResult result = await Subproc.RunAsync("run", "--timeout", "300ms", "--grace", "100ms", "sleep", "30");
        Assert.Equal(143, result.ExitStatus.Code);
        Assert.Contains("timed out", result.StderrText);
    }

    [Fact(Timeout = 60_000)]
    public async Task Signals_ignored_by_whoever_started_it_stay_ignored_in_the_child_but_SIGPIPE_and_SIGXFSZ_never_do()
    {
        // nohup and a shell's background jobs rely on the first; `yes | head -1` on the second.
        CapturedResult result = await Command.Create("sh", "-c",
            $"trap '' HUP USR1 PIPE XFSZ; exec {Subproc.ShellPrefix} run -- cat /proc/self/status").WithStdin(Stdio.Null).CaptureAsync();
        string line = result.StdoutText.Split('\n').Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong ignored = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);

        Assert.True(Ignored(1), line);   // SIGHUP
        Assert.True(Ignored(10), line);  // SIGUSR1
        Assert.False(Ignored(13), line); // SIGPIPE
        Assert.False(Ignored(25), line); // SIGXFSZ
        Assert.False(Ignored(15), line); // SIGTERM, never ignored by anyone here

        bool Ignored(int signal) => (ignored & (1UL << (signal - 1))) != 0;
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_of_a_missing_program_says_so()
    {
        CapturedResult result = await Subproc.RunAsync("run", "no-such-program-xyz");
        Assert.Equal(127, result.ExitStatus.Code);
        Assert.Contains("not found on PATH", result.StderrText);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_demo_walks_through_every_scenario_and_exits_0()
    {
        CapturedResult result = await Subproc.RunAsync("demo");

        Assert.Equal(0, result.ExitStatus.Code);
        foreach (string step in (string[])["echo", "poll", "parallel", "openssl", "chains", "timeout"])
        {
            Assert.Contains($"== {step}:", result.StdoutText);
        }
        Assert.Contains("all 6 scenarios behaved", result.StdoutText);
        Assert.Contains("returncode -15", result.StdoutText);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("root")]
    [InlineData("demo")]
    [InlineData("run")]
    [InlineData("parallel")]
    public async Task Help_text_is_the_approved_one(string command)
    {
        // Changing --help is a decision: regenerate Approved/<command>-help.txt on purpose when it changes.
        CapturedResult result = await Subproc.RunAsync(command == "root" ? ["--help"] : [command, "--help"]);
        string approved = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Approved", $"{command}-help.txt"));

        Assert.Equal(0, result.ExitStatus.Code);
        Assert.Equal(approved, result.StdoutText);
    }
}

using Spectre.Console.Testing;
using Subprocess.Cli.Progress;

namespace Subprocess.Cli.Tests;

/// <summary>--bar: drawn on a terminal, never into a pipe. --eta: GNU parallel's status text, on stderr whatever it is.</summary>
public class ProgressSpecs : Spec
{
    [Fact(Timeout = 60_000)]
    public async Task Eta_writes_GNU_parallels_status_on_stderr_and_leaves_stdout_alone()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "--eta", "-j2", "-k", "echo", ":::", "a", "b", "c");

        Assert.Equal("a\nb\nc\n", result.StdoutText);
        string[] lines = result.StderrText.Split('\n');
        Assert.Equal(["", "Computers / CPU cores / Max jobs to run", $"1:local / {Environment.ProcessorCount} / 2", "",
            "Computer:jobs running/jobs completed/%of started jobs/Average seconds to complete"], lines[..5]);
        string[] updates = lines[5].Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, updates.Length); // before the first job ends, then once per job
        Assert.StartsWith("ETA: 0s Left: 3 AVG: 0.00s  local:0/0/", updates[0]);
        Assert.Matches(@"^ETA: \d+s Left: 0 AVG: \d+\.\d\ds  local:0/3/100%/\d+\.\ds $", updates[^1]);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_display_counts_jobs_and_failures()
    {
        var console = new TestConsole().Interactive();

        await new JobProgress(console, 3).RunAsync(report =>
        {
            report(true);
            report(false);
            report(true);
            return Task.CompletedTask;
        });

        Assert.Contains("3/3 jobs, 1 failed", console.Output);
        Assert.Contains("100%", console.Output);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--bar")]
    [InlineData("--progress")]
    public async Task A_run_into_a_pipe_shows_no_bar(string option)
    {
        CapturedResult result = await Subproc.RunAsync("parallel", option, "echo", ":::", "a", "b");

        Assert.Equal("a\nb\n".Length, result.Stdout.Length);
        Assert.Equal("", result.StderrText);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--bar")]
    [InlineData("--progress")] // GNU parallel's --progress is a text display; here it is the same bar
    public async Task A_run_in_a_terminal_shows_the_bar(string option)
    {
        string session = $"subproc-bar-{Guid.NewGuid():N}";
        await Command.Create("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "20",
            $"{Subproc.ShellPrefix} parallel -j 2 {option} sleep ::: 0.2 0.2 0.2 0.2 > /dev/null; sleep 30").RunAsync();
        try
        {
            string screen = "";
            for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); DateTimeOffset.UtcNow < deadline && !screen.Contains("4/4 jobs");)
            {
                await Task.Delay(100);
                screen = (await Command.Create("tmux", "capture-pane", "-p", "-t", session).CaptureAsync()).StdoutText;
            }

            Assert.Contains("4/4 jobs", screen);
            Assert.Contains("100%", screen);
        }
        finally
        {
            await Command.Create("tmux", "kill-session", "-t", session).WithCheck(false).RunAsync();
        }
    }
}

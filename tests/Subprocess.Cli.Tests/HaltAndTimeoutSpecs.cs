using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Cli.Tests;

/// <summary>Stopping early, end to end: --halt on successes and on a share of jobs, timeouts that end
/// whole trees, and the grace between SIGTERM and SIGKILL.</summary>
public class HaltAndTimeoutSpecs : Spec
{
    [Theory(Timeout = 60_000)]
    [InlineData("now,fail=1", "sleep {}; exit 1", 1, "This job failed:\nsleep 0.1; exit 1\n")]  // as GNU parallel: the failing job's exit code
    [InlineData("now,success=1", "sleep {}", 0, "This job succeeded:\nsleep 0.1\n")]             // the outcome asked for
    public async Task Halt_now_on_the_first_trigger_ends_the_others(string halt, string job, int exitCode, string named)
    {
        var clock = Stopwatch.StartNew();
        CapturedResult result = await Subproc.RunAsync("parallel", "-j", "3", "--halt", halt, "--shell", job, ":::", "0.1", "30", "30");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(exitCode, result.ExitStatus.Code);
        Assert.Equal($"subproc: {named}", result.StderrText); // the trigger is named; the jobs it ended are not
    }

    [Fact(Timeout = 60_000)]
    public async Task Halt_soon_starts_nothing_after_the_trigger()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "-j", "1", "-k", "--halt", "soon,fail=1", "--shell", "echo {}; exit {}", ":::", "0", "1", "0", "0");
        Assert.Equal("0\n1\n", result.StdoutText);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("1 0 0 0", "1\n0\n0\n0\n", 25)] // one failure in four: 25%, under the 50% that halts; as GNU parallel, the code is the share
    [InlineData("1 0 1 0", "1\n0\n1\n", 50)]    // the second failure is 50% of the four jobs
    public async Task A_percentage_halt_is_a_share_of_all_the_jobs(string codes, string stdout, int exitCode)
    {
        CapturedResult result = await Subproc.RunAsync(["parallel", "-j", "1", "-k", "--halt", "soon,fail=50%", "--shell", "echo {}; exit {}", ":::", .. codes.Split(' ')]);

        Assert.Equal(stdout, result.StdoutText);
        Assert.Equal(exitCode, result.ExitStatus.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timeout_ends_the_jobs_grandchildren_too()
    {
        string marker = $"subproc-timeout-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        // "started" proves the background sleep was forked before the timeout, whatever the machine's speed.
        CapturedResult result = await Subproc.RunMarkedAsync(marker, "parallel", "--timeout", "2s", "sh -c 'sleep 30 & echo started; sleep 30'", ":::", "x");

        Assert.Equal(1, result.ExitStatus.Code);
        Assert.Contains("started", result.StdoutText);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), "the background sleep outlived its job");
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_gives_a_child_that_ignores_SIGTERM_the_grace_period_then_kills_it()
    {
        string marker = $"subproc-grace-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        // A timeout long enough for the shell to set its trap first, on any machine; "ready" proves it did.
        CapturedResult result = await Subproc.RunMarkedAsync(marker, "run", "--timeout", "2s", "--grace", "1s", "--", "sh", "-c", "trap '' TERM; echo ready; sleep 30");

        Assert.Equal(128 + 9, result.ExitStatus.Code);
        Assert.Equal("ready\n", result.StdoutText);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"took {clock.Elapsed}: killed before timeout + grace");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_with_grace_0_kills_at_once()
    {
        string marker = $"subproc-grace0-{Guid.NewGuid():N}";
        // With a grace period, SIGTERM would come first and the trap would say so; with none, only SIGKILL.
        CapturedResult result = await Subproc.RunMarkedAsync(marker, "run", "--timeout", "2s", "--grace", "0", "--", "sh", "-c", "trap 'echo TERM' TERM; echo ready; sleep 30 & wait");

        Assert.Equal(128 + 9, result.ExitStatus.Code);
        Assert.Equal("ready\n", result.StdoutText);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, (await Subproc.RunAsync("run", "--timeout", "0", "--", "true")).ExitStatus.Code); // a timeout of 0 means nothing
    }
}

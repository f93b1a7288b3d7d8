using System.Diagnostics;
using System.Text;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>WithTimeout on Run and Capture ends the whole tree; cancellation does the same.</summary>
public class TimeoutSpecs : Spec
{
    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_timed_out_capture_throws_with_the_output_so_far(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(
            () => Command.Shell("echo partial; sleep 30").WithTimeout(TimeSpan.FromSeconds(0.5)).CaptureAsync());

        Assert.Equal("partial\n", Encoding.UTF8.GetString(error.Stdout));
        Assert.NotNull(error.ExitStatus);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [NativeFact("ends a tree by killing it whole (no SIGTERM, no grace period)", Timeout = 60_000)]
    public async Task A_stopped_child_gets_its_SIGTERM_at_once_not_after_the_grace_period()
    {
        // A stopped process holds SIGTERM pending (as one stopped by reading a terminal it does not
        // own would): SIGCONT after it lets it die of it, instead of by SIGKILL 30 s later.
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(() =>
            Command.Shell("kill -STOP $$").WithTimeout(TimeSpan.FromSeconds(0.5)).WithGracePeriod(TimeSpan.FromSeconds(30)).RunAsync());

        Assert.Equal(15, error.ExitStatus?.Signal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: the grace period was waited out");
    }

    [NativeFact("ends a tree by killing it whole (no SIGTERM, no grace period)", Timeout = 30_000)]
    public async Task A_timeout_ends_grandchildren_in_the_group_too()
    {
        string marker = $"subproc-grandchild-{Guid.NewGuid():N}";
        // The grandchild is a background sleep with a unique argument we can look for afterwards.
        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(
            () => Command.Shell($"sh -c 'sleep 30; : {marker}' & wait").Marked(marker)
                .WithTimeout(TimeSpan.FromSeconds(0.3)).WithGracePeriod(TimeSpan.FromSeconds(0.5)).RunAsync());

        Assert.Equal(15, error.ExitStatus?.Signal);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "a grandchild survived the timeout");
    }

    [NativeFact("ends a tree by killing it whole (no SIGTERM, no grace period)", Timeout = 30_000)]
    public async Task A_child_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ProcessTimeoutException>(
            () => Command.Shell("trap '' TERM; echo ready; sleep 30")
                .WithTimeout(TimeSpan.FromSeconds(0.3)).WithGracePeriod(TimeSpan.FromSeconds(0.5)).Capture());

        Assert.Equal(9, error.ExitStatus?.Signal);
        Assert.Equal("ready\n", Encoding.UTF8.GetString(error.Stdout));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.7), $"killed before the grace period ended: {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Cancelling_RunAsync_ends_the_child_and_throws_OperationCanceled(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // A marker of its own: other specs run `sleep 30` children at the same time.
        string marker = $"subproc-cancel-run-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Command.Create("sleep", "30").Marked(marker).RunAsync(cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "the cancelled child is still running");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Cancelling_WaitAsync_or_CommunicateAsync_ends_the_child(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await using ChildProcess waited = Command.Create("sleep", "30").Start();
        await using ChildProcess communicated = Command.Create("sleep", "30").WithStdout(Stdio.Pipe).Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waited.WaitAsync(cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => communicated.CommunicateAsync(cancellationToken: cancel.Token));

        Assert.NotNull(waited.Poll());
        Assert.NotNull(communicated.Poll());
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_a_started_pipelines_wait_ends_every_stage()
    {
        string marker = $"subproc-pwait-{Guid.NewGuid():N}";
        await using PipelineProcess running = (Command.Create("sleep", "30").Marked(marker) | Command.Create("cat").Marked(marker)).Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(cancel.Token));

        Assert.NotNull(running.Poll());
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_command_that_finishes_in_time_is_unaffected_by_its_timeout()
    {
        CapturedResult result = await Command.Create("echo", "quick").WithTimeout(TimeSpan.FromSeconds(10)).CaptureAsync();
        Assert.Equal("quick\n", result.StdoutText);
    }

    [Fact(Timeout = 20_000)]
    public async Task Wait_with_a_timeout_throws_and_leaves_the_child_running()
    {
        await Task.Yield();
        using ChildProcess child = Command.Create("sleep", "10").Start();

        Assert.Throws<ProcessTimeoutException>(() => child.Wait(TimeSpan.FromSeconds(0.1)));
        Assert.Null(child.Poll());
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Wait_with_an_infinite_timeout_waits_for_the_exit(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        using ChildProcess child = Command.Create("sleep", "0.2").Start();

        ExitStatus status = child.Wait(Timeout.InfiniteTimeSpan);

        Assert.True(status.Success);
    }
}

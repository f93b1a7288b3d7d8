using System.Diagnostics;
using System.Text;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>
/// The synchronous Capture and Communicate keep every promise of the async ones. On Linux they pump
/// the pipes and watch the exit on the calling thread (poll over the pipes and the pidfd), handing
/// what is left to the event loop when they stop early; these pin that path on both spawners.
/// Each test yields first, so its Timeout can fire even if a synchronous call hangs. (ExitNotEofSpecs
/// runs its holder specs both ways.)
/// </summary>
public class SynchronousCaptureSpecs : Spec
{
    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_capture_moves_50_MB_in_and_50_MB_out_of_each_stream_without_deadlock(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        // tee copies stdin to stdout and to stderr: both pipes fill while stdin is still being written.
        byte[] input = new byte[50 * 1024 * 1024];
        new Random(7).NextBytes(input);

        CapturedResult result = Command.Shell("tee /dev/stderr").Capture(input);

        Assert.True(input.AsSpan().SequenceEqual(result.Stdout), "stdout differs from the input");
        Assert.True(input.AsSpan().SequenceEqual(result.Stderr), "stderr differs from the input");
        Assert.True(result.OutputComplete);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_capture_feeds_input_and_keeps_the_streams_apart(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        CapturedResult result = Command.Shell("cat; echo err >&2; exit 0").Capture("in\n"u8.ToArray());

        Assert.Equal("in\n", result.StdoutText);
        Assert.Equal("err\n", result.StderrText);
        Assert.True(result.ExitStatus.Success);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_capture_that_times_out_ends_the_tree_and_keeps_the_output_so_far(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        string marker = $"subproc-sync-timeout-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ProcessTimeoutException>(
            () => Command.Shell("echo partial; echo half >&2; sleep 30 & wait").Marked(marker)
                .WithTimeout(TimeSpan.FromSeconds(2)).WithGracePeriod(TimeSpan.FromSeconds(0.5)).Capture());

        Assert.Equal("partial\n", Encoding.UTF8.GetString(error.Stdout));
        Assert.Equal("half\n", Encoding.UTF8.GetString(error.Stderr));
        Assert.NotNull(error.ExitStatus);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "a grandchild survived the timeout");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_capture_past_its_limit_ends_the_child_and_keeps_exactly_the_limit(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        string marker = $"subproc-sync-yes-{Guid.NewGuid():N}";
        var error = Assert.Throws<OutputLimitException>(
            () => Command.Shell("echo fine >&2; exec yes").Marked(marker).WithMaxOutput(1 << 20).Capture());

        Assert.Equal("stdout", error.Stream);
        Assert.Equal(1 << 20, error.Stdout.Length);
        // (The portable spawner's yes may add its broken-pipe complaint: SIGPIPE stays ignored under Process.)
        Assert.StartsWith("fine\n", Encoding.UTF8.GetString(error.Stderr));
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "yes kept running past the limit");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_communicate_that_timed_out_resumes_asynchronously_without_losing_a_byte(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // The timed-out call leaves its pumps to the event loop; the async call picks them up there.
        await Task.Yield();
        // The shell writes its first lines, then waits for a gate file the test creates only after the
        // timeout: no sleep that a slow machine could outlast in either direction.
        string gate = Path.Combine(Path.GetTempPath(), $"subproc-gate-{Guid.NewGuid():N}");
        using ChildProcess child = Command.Shell(
                $"echo first; echo e1 >&2; while [ ! -e '{gate}' ]; do sleep 0.05; done; echo second; echo e2 >&2")
            .WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();

        var timeout = Assert.Throws<ProcessTimeoutException>(() => child.Communicate(timeout: TimeSpan.FromSeconds(3)));
        await File.WriteAllBytesAsync(gate, []);
        ProcessOutput output;
        try
        {
            output = await child.CommunicateAsync(timeout: TimeSpan.FromSeconds(10));
        }
        finally
        {
            File.Delete(gate);
        }

        Assert.Equal("first\n", Encoding.UTF8.GetString(timeout.Stdout));
        Assert.Equal("first\nsecond\n", output.StdoutText);
        Assert.Equal("e1\ne2\n", output.StderrText);
        Assert.True(child.Poll()?.Success);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_sync_pipeline_capture_collects_every_stage_and_waits_for_all(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        CapturedResult result = (Command.Shell("echo a >&2; printf 'b\\na\\n'") | Command.Shell("sort; echo c >&2"))
            .Capture();

        Assert.Equal("a\nb\n", result.StdoutText);
        Assert.Equal("a\nc\n", result.StderrText);
        Assert.Equal(2, result.Stages.Count);
        Assert.All(result.Stages, status => Assert.True(status.Success));
    }
}

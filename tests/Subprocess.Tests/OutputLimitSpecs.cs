using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>A runaway child cannot exhaust the parent's memory.</summary>
public class OutputLimitSpecs : Spec
{
    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_child_writing_past_the_limit_is_ended_and_the_error_names_stdout(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string marker = $"subproc-yes-{Guid.NewGuid():N}";
        var error = await Assert.ThrowsAsync<OutputLimitException>(
            () => Command.Create("yes").Marked(marker).WithMaxOutput(1 << 20).CaptureAsync());

        Assert.Equal("stdout", error.Stream);
        Assert.Equal(1 << 20, error.Limit);
        Assert.Equal(1 << 20, error.Stdout.Length);
        Assert.Contains("stdout went past the limit of 1048576 bytes", error.Message);
        Assert.Equal("yes", error.CommandLine);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "yes kept running past the limit");
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task An_overflow_read_after_the_exit_is_still_an_overflow(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        // printf exits at once: the exit is often seen before the pump has read past the limit, so
        // the excess arrives during the drain, and must be reported the same way.
        Command command = Command.Create("printf", "hello world, this is long").WithMaxOutput(10);
        for (int i = 0; i < 200; i++)
        {
            var error = Assert.Throws<OutputLimitException>(() => command.Capture());
            Assert.Equal("hello worl", System.Text.Encoding.ASCII.GetString(error.Stdout));
        }
    }

    [NativeFact("makes no process groups, and the tree it kills is found by parent links, which miss orphaned grandchildren", Timeout = 30_000)]
    public async Task Overflow_ends_the_grandchildren_too()
    {
        // A command with a limit leads its own process group, so the overflow reaches the background sleep.
        string marker = $"subproc-overflow-{Guid.NewGuid():N}";
        var error = await Assert.ThrowsAsync<OutputLimitException>(
            () => Command.Shell("sleep 30 & yes").Marked(marker).WithMaxOutput(64 * 1024).CaptureAsync());

        Assert.Equal("stdout", error.Stream);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "the background sleep survived the overflow");
    }

    [Fact(Timeout = 30_000)]
    public async Task Stderr_has_its_own_limit_and_is_named()
    {
        var error = await Assert.ThrowsAsync<OutputLimitException>(
            () => Command.Shell("echo fine; yes >&2").WithMaxOutput(64 * 1024).CaptureAsync());

        Assert.Equal("stderr", error.Stream);
        Assert.Equal("fine\n", System.Text.Encoding.UTF8.GetString(error.Stdout));
        Assert.Equal(64 * 1024, error.Stderr.Length);
    }

    [Fact(Timeout = 30_000)]
    public async Task Communicate_honours_the_limit_too()
    {
        await using ChildProcess child = Command.Create("yes").WithMaxOutput(4096).WithStdout(Stdio.Pipe).Start();
        var error = await Assert.ThrowsAsync<OutputLimitException>(() => child.CommunicateAsync());
        Assert.NotNull(child.Poll());
        Assert.Equal(4096, error.Stdout.Length);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_pipeline_names_the_stage_whose_stderr_overflowed()
    {
        var error = await Assert.ThrowsAsync<OutputLimitException>(
            () => (Command.Create("true") | Command.Shell("yes >&2")).WithMaxOutput(10_000).CaptureAsync());
        Assert.Equal("stderr of stage 2", error.Stream);
    }

    [Fact(Timeout = 30_000)]
    public async Task Output_within_the_limit_is_captured_whole()
    {
        CapturedResult result = await Command.Create("head", "-c", "100000", "/dev/zero").WithMaxOutput(100_000).CaptureAsync();
        Assert.Equal(100_000, result.Stdout.Length);
    }

    [Fact]
    public void A_limit_of_zero_or_less_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Command.Create("true").WithMaxOutput(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => (Command.Create("a") | Command.Create("b")).WithMaxOutput(-1));
    }
}

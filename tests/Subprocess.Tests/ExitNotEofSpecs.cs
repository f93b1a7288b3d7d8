using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Waiting ends when the child exits, not when its pipes reach end of file.</summary>
public class ExitNotEofSpecs : Spec
{
    /// <summary>Each spawner, through Capture (which on Linux pumps on the calling thread) and CaptureAsync
    /// (which pumps on the event loop).</summary>
    public static TheoryData<SpawnerKind, bool> BothWays
    {
        get
        {
            var data = new TheoryData<SpawnerKind, bool>();
            foreach (SpawnerKind kind in Spawner.Both)
            {
                data.Add(kind, true);
                data.Add(kind, false);
            }
            return data;
        }
    }

    /// <summary><see cref="BothWays"/>, each with a holder that pauses between lines and one that never
    /// pauses (its pipe is readable at every look, so only a deadline checked after each read ends the drain).</summary>
    public static TheoryData<SpawnerKind, bool, string> WritersBothWays
    {
        get
        {
            var data = new TheoryData<SpawnerKind, bool, string>();
            foreach (SpawnerKind kind in Spawner.Both)
            {
                foreach (bool synchronous in (bool[])[true, false])
                {
                    data.Add(kind, synchronous, "sleep 0.1");
                    data.Add(kind, synchronous, ":");
                }
            }
            return data;
        }
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(BothWays))]
    public async Task Capture_returns_at_exit_although_a_grandchild_holds_stdout(SpawnerKind kind, bool synchronous)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // so the Timeout can fire even if a synchronous capture hangs
        string marker = $"subproc-holder-{Guid.NewGuid():N}";
        try
        {
            var clock = Stopwatch.StartNew();
            CapturedResult result = await CaptureAsync(Command.Shell("sleep 30 & echo done").Marked(marker)
                .WithDrainTimeout(TimeSpan.FromSeconds(0.3)), synchronous);

            Assert.Equal("done\n", result.StdoutText);
            Assert.False(result.OutputComplete, "the output should say the rest was abandoned");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: it waited for the grandchild");
            Assert.True(ProcessTree.AnyRunning(marker), "the grandchild was meant to outlive its parent here");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(BothWays))]
    public async Task A_stream_of_mine_that_a_grandchild_still_feeds_is_given_up_at_the_drain_timeout_not_failed(SpawnerKind kind, bool synchronous)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // so the Timeout can fire even if a synchronous run hangs
        string marker = $"subproc-stream-holder-{Guid.NewGuid():N}";
        using var written = new MemoryStream();
        try
        {
            Command command = Command.Shell("sleep 30 & echo done").Marked(marker)
                .WithStdout(Stdio.Stream(written)).WithDrainTimeout(TimeSpan.FromSeconds(0.3));

            ProcessResult result = synchronous ? command.Run() : await command.RunAsync();

            Assert.True(result.ExitStatus.Success);
            Assert.Equal("done\n"u8.ToArray(), written.ToArray());
            Assert.True(ProcessTree.AnyRunning(marker), "the grandchild was meant to outlive its parent here");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Communicate_returns_at_exit_and_says_the_output_is_incomplete()
    {
        string marker = $"subproc-holder-{Guid.NewGuid():N}";
        try
        {
            await using ChildProcess child = Command.Shell("echo out; echo err >&2; sleep 30 &").Marked(marker)
                .WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).WithDrainTimeout(TimeSpan.FromSeconds(0.3)).Start();

            ProcessOutput output = await child.CommunicateAsync(timeout: TimeSpan.FromSeconds(20));

            Assert.Equal("out\n", output.StdoutText);
            Assert.Equal("err\n", output.StderrText);
            Assert.False(output.Complete);
            Assert.True(child.Poll()?.Success);
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Output_that_reaches_end_of_file_is_complete()
    {
        CapturedResult result = await Command.Shell("head -c 3000000 /dev/zero; echo tail >&2").CaptureAsync();

        Assert.True(result.OutputComplete);
        Assert.Equal(3_000_000, result.Stdout.Length);
        Assert.Equal("tail\n", result.StderrText);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(WritersBothWays))]
    public async Task A_holder_that_keeps_writing_does_not_stretch_the_drain(SpawnerKind kind, bool synchronous, string pause)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        // The grandchild writes lines for as long as it lives: were the drain bounded by
        // silence, it would never end. Bounded in total, the capture returns soon after the exit with
        // what arrived by then, marked incomplete.
        string marker = $"subproc-writer-{Guid.NewGuid():N}";
        try
        {
            var clock = Stopwatch.StartNew();
            CapturedResult result = await CaptureAsync(Command.Shell("(while :; do echo x; " + pause + "; done) & echo started").Marked(marker)
                .WithDrainTimeout(TimeSpan.FromSeconds(0.5)), synchronous);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: the writing holder kept the drain going");
            Assert.Contains("started\n", result.StdoutText);
            Assert.False(result.OutputComplete);
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    private static Task<CapturedResult> CaptureAsync(Command command, bool synchronous) =>
        synchronous ? Task.FromResult(command.Capture()) : command.CaptureAsync();

    [Fact]
    public void A_negative_drain_timeout_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Command.Create("true").WithDrainTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => (Command.Create("a") | Command.Create("b")).WithDrainTimeout(TimeSpan.FromSeconds(-1)));
    }
}

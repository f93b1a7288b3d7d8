using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Waiting ends when the child exits, not when its pipes reach end of file.</summary>
public class ExitNotEofSpecs
{
    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Capture_returns_at_exit_although_a_grandchild_holds_stdout(SpawnerKind kind)
    {
        string marker = $"subproc-holder-{Guid.NewGuid():N}";
        try
        {
            var clock = Stopwatch.StartNew();
            CapturedResult result = await Command.Shell("sleep 30 & echo done").Marked(marker)
                .WithDrainTimeout(TimeSpan.FromSeconds(0.3)).On(kind).CaptureAsync();

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

    [Fact(Timeout = 30_000)]
    public async Task A_holder_that_keeps_writing_keeps_the_drain_going()
    {
        // The grandchild writes for about a second after the child exits, then goes quiet but keeps
        // the pipe open: all of its lines arrive, then the rest is abandoned.
        string marker = $"subproc-writer-{Guid.NewGuid():N}";
        try
        {
            CapturedResult result = await Command.Shell("(for i in 1 2 3 4 5; do echo $i; sleep 0.2; done; sleep 30) &").Marked(marker)
                .WithDrainTimeout(TimeSpan.FromSeconds(0.6)).CaptureAsync();

            Assert.Equal("1\n2\n3\n4\n5\n", result.StdoutText);
            Assert.False(result.OutputComplete);
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Fact]
    public void A_negative_drain_timeout_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Command.Create("true").WithDrainTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => (Command.Create("a") | Command.Create("b")).WithDrainTimeout(TimeSpan.FromSeconds(-1)));
    }
}

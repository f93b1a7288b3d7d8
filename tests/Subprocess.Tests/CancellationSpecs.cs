using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Cancelling an async call ends the child's tree with the grace period and says whose token it was.</summary>
public class CancellationSpecs : Spec
{
    [Fact(Timeout = 30_000)]
    public async Task Cancelling_RunAsync_leaves_no_grandchild()
    {
        string marker = $"subproc-cancel-tree-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        // "started" is written after the background sleep was forked: cancelling then has a grandchild to end.
        Command command = Command.Shell("sleep 30 & echo started; wait").Marked(marker)
            .WithStdout(Stdio.Stream(new CancelOnWrite(cancel))).WithGracePeriod(TimeSpan.FromSeconds(0.5));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.RunAsync(cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "the background sleep survived cancellation");
    }

    [NativeFact("ends a tree by killing it whole (no SIGTERM, no grace period)", Timeout = 30_000)]
    public async Task Cancelling_gives_a_child_that_ignores_SIGTERM_its_grace_period_then_kills_it()
    {
        string marker = $"subproc-cancel-grace-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        var writes = new CancelOnWrite(cancel);
        Command command = Command.Shell("trap '' TERM; echo ready; sleep 30").Marked(marker)
            .WithStdout(Stdio.Stream(writes)).WithGracePeriod(TimeSpan.FromSeconds(0.5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.RunAsync(cancel.Token));

        TimeSpan ended = writes.SinceCancelled;
        Assert.True(ended >= TimeSpan.FromSeconds(0.4), $"SIGKILL came before the grace period ended: {ended}");
        Assert.True(ended < TimeSpan.FromSeconds(10), $"took {ended}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "the child outlived the grace period");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task The_OperationCanceledException_carries_the_callers_token(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Command sleep = Command.Create("sleep", "30");
        await using ChildProcess waited = sleep.Start();
        await using ChildProcess communicated = sleep.WithStdout(Stdio.Pipe).Start();
        Func<CancellationToken, Task>[] calls =
        [
            token => sleep.RunAsync(token),
            token => sleep.CaptureAsync(cancellationToken: token),
            token => (sleep | Command.Create("cat")).CaptureAsync(cancellationToken: token),
            token => waited.WaitAsync(token),
            token => communicated.CommunicateAsync(cancellationToken: token),
        ];

        foreach (Func<CancellationToken, Task> call in calls)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.2));
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call(cancel.Token));
            Assert.Equal(cancel.Token, error.CancellationToken);
        }
    }

    [NativeFact("makes no process groups", Timeout = 30_000)]
    public async Task RunAsync_without_a_cancellable_token_keeps_the_child_in_our_process_group()
    {
        // A child in a group of its own cannot read the terminal; only cancellation needs one. Stdin
        // from /dev/null, so that a test run from a terminal does not share it with the child.
        Command group = Command.Shell("cut -d' ' -f5 /proc/self/stat").WithStdin(Stdio.Null);
        CapturedResult plain = await group.CaptureAsync();
        using var cancel = new CancellationTokenSource();
        CapturedResult cancellable = await group.CaptureAsync(cancellationToken: cancel.Token);

        Assert.Equal(ProcessTree.GroupOf(Environment.ProcessId), int.Parse(plain.StdoutText));
        Assert.NotEqual(ProcessTree.GroupOf(Environment.ProcessId), int.Parse(cancellable.StdoutText));
    }

    [NativeFact("makes no process groups", Timeout = 60_000)]
    public async Task A_child_that_shares_our_terminal_stays_in_our_group_however_its_tree_would_be_ended()
    {
        // The test child runs under script(1), so its stdin is a terminal: a child inheriting it must
        // stay in the foreground group (else reading the terminal would stop it) whether a token, a
        // timeout, an output limit or a pipeline wants its tree reachable; one with stdin from
        // /dev/null leads its own group as usual (writing to the terminal stops no one without stty
        // tostop), and so does one that asks, and a job of JobRunner.
        Command child = TestChildProgram.Verb("terminal-group");
        string line = string.Join(' ', [child.Program, .. child.Arguments]);
        CapturedResult result = await Command.Create("script", "-qec", line, "/dev/null").WithTimeout(TimeSpan.FromSeconds(50)).CaptureAsync();

        string[] lines = result.StdoutText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["cancellable: same own", "timeout: same own", "limit: same own", "pipeline: same own", "stderr to the terminal: own", "asked: own", "job: own"],
            lines[^7..].Select(l => l[(l.LastIndexOf('=') + 1)..])); // after the escapes .NET sends a terminal
    }

    [NativeFact("ends a tree by killing it whole (no SIGTERM, no grace period)", Timeout = 30_000)]
    public async Task Cancelling_WaitAsync_of_a_started_child_without_its_own_group_ends_the_child_alone()
    {
        // What the docs promise, pinned: no group, so only the child is signalled.
        string marker = $"subproc-cancel-alone-{Guid.NewGuid():N}";
        try
        {
            await using ChildProcess child = Command.Shell("sleep 30 & echo started; wait").Marked(marker)
                .WithStdout(Stdio.Pipe).WithGracePeriod(TimeSpan.FromSeconds(0.5)).Start();
            Assert.Equal("started", await new StreamReader(child.Stdout).ReadLineAsync());
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.WaitAsync(cancel.Token));

            Assert.Equal(15, child.Poll()?.Signal);
            Assert.True(ProcessTree.AnyRunning(marker), "the grandchild was expected to survive");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }


    /// <summary>A stdout target that cancels at the child's first write: an event that says the child
    /// got as far as that write, not a guess at how long it takes to get there.</summary>
    private sealed class CancelOnWrite(CancellationTokenSource cancel) : Stream
    {
        private long _cancelledAt;

        public TimeSpan SinceCancelled => Stopwatch.GetElapsedTime(Interlocked.Read(ref _cancelledAt));

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.CompareExchange(ref _cancelledAt, Stopwatch.GetTimestamp(), 0) == 0)
            {
                // Cancel's callbacks run elsewhere: not on the thread that is copying the child's output.
                _ = cancel.CancelAsync();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write([], 0, 0);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

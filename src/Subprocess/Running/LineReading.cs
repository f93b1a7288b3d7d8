using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

/// <summary>
/// <c>ReadLinesAsync</c>, one enumeration for its two sources. A command or a pipeline (<see cref="Of"/>):
/// the last stage's stdout and every stage's stderr (where not sent elsewhere) become
/// <see cref="Stdio.Lines"/> targets feeding one channel, read in the order the lines arrive; the end
/// is <c>Run</c>'s (the exits and the drained pipes, then the timeout and the check), and leaving the
/// loop early ends the tree. The child starts when the enumeration does. A started child
/// (<see cref="OfStarted"/>): its piped outputs, pumped into the same batches.
/// </summary>
/// <remarks>The lines of one read of a pipe travel as one batch, and the enumerator is written by
/// hand: a channel item and three nested async iterators per line cost three times Python's
/// <c>for line in p.stdout</c> on <c>seq 1000000</c> (see BENCHMARKS.md, "lines").</remarks>
internal sealed class LineReading(Func<ChannelWriter<OutputLine[]>, CancellationToken, Func<bool, ValueTask>> start,
    CancellationToken cancellationToken) : IAsyncEnumerable<OutputLine>
{
    /// <summary>How much of stderr a failure keeps for its exception, at most: the tail.</summary>
    private const int StderrKept = 64 * 1024;

    /// <summary>A command or pipeline, started when the enumeration starts and run to its end.</summary>
    public static LineReading Of(StartRequest request, CancellationToken cancellationToken) =>
        new((lines, token) => StartCommand(request, lines, token), cancellationToken);

    /// <summary>
    /// <c>ChildProcess.ReadLinesAsync</c>: the piped stdout and stderr of a child the caller started,
    /// line by line as they arrive, until it has exited and they are drained (for at most the drain
    /// timeout). No check, no timeout: the caller holds the child, and leaving the loop leaves it running.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither stream is piped, or they are read already (at the enumeration's start).</exception>
    public static LineReading OfStarted(RunningStages run, CancellationToken cancellationToken) =>
        new((lines, _) => PumpStarted(run, lines), cancellationToken);

    public IAsyncEnumerator<OutputLine> GetAsyncEnumerator(CancellationToken enumerationToken = default)
    {
        CancellationTokenSource? linked = enumerationToken.CanBeCanceled && cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumerationToken)
            : null;
        CancellationToken token = linked?.Token ?? (enumerationToken.CanBeCanceled ? enumerationToken : cancellationToken);
        try
        {
            token.ThrowIfCancellationRequested();
            // The lines wait for the reader here: the pumps that produce them must never wait (on Linux
            // one thread pumps every child), so a reader slower than the child lets them pile up.
            var lines = Channel.CreateUnbounded<OutputLine[]>(new UnboundedChannelOptions { SingleReader = true });
            Func<bool, ValueTask> leave = start(lines.Writer, token);
            return new Enumerator(lines.Reader, leave, linked, token);
        }
        catch
        {
            linked?.Dispose();
            throw;
        }
    }

    /// <summary>Starts the command with line targets; what leaving the loop does: end the tree if early, release.</summary>
    private static Func<bool, ValueTask> StartCommand(StartRequest request, ChannelWriter<OutputLine[]> lines, CancellationToken cancellationToken)
    {
        RunToEnd.RefusePipes(request, "ReadLinesAsync", outputs: false);
        var stderr = new StderrTail[request.Stages.Count];
        RunningStages run = Launcher.Start(WithLineTargets(request, lines, stderr), Waiter.Awaiting);
        _ = EndAsync(run, lines, stderr, cancellationToken);
        return async early =>
        {
            if (early && !run.Settings.Detached)
            {
                // Left early: the tree is ended even if the child itself has exited and left
                // something running (a group's zombie leader keeps signalling it safe). Its output is
                // no longer wanted, as with a cancellation, and its trace says so.
                await run.EndAsync(Waiter.Awaiting, tree: true, ChildTrace.Cancelled).ConfigureAwait(false);
            }
            await run.DisposeAsync(Waiter.Awaiting, tree: true).ConfigureAwait(false);
        };
    }

    /// <summary>Pumps a started child's piped outputs into line batches; leaving the loop drops the
    /// lines that still come (the pumps read on, so the child never blocks on a full pipe) rather than
    /// keeping them for a reader who is gone.</summary>
    private static Func<bool, ValueTask> PumpStarted(RunningStages run, ChannelWriter<OutputLine[]> lines)
    {
        (Pipes.ChildPipe? stdout, Pipes.ChildPipe? stderr) = run.Exchange.TakeForLines();
        var pumps = new List<Pipes.Communication>(2);
        Pump(stdout, new Batch(OutputStream.Stdout, lines, tail: null));
        Pump(stderr, new Batch(OutputStream.Stderr, lines, tail: null));
        _ = EndOfStartedAsync(run, pumps, lines);
        return _ =>
        {
            lines.TryComplete();
            return ValueTask.CompletedTask;
        };

        void Pump(Pipes.ChildPipe? pipe, Batch batch)
        {
            if (pipe is not null)
            {
                // A one-pump communication reports when it reaches end of file, as a stream copy's does.
                var pump = new Pipes.Communication(stages: 0, limit: long.MaxValue);
                pipe.PumpInto(new Pipes.LineSink(batch.Add, batch.Send, pipe.IsTerminal, run.Settings.Encoding), pump);
                pump.Started();
                pumps.Add(pump);
            }
        }
    }

    /// <summary>After the exit: the pumps' last lines, for at most the drain timeout, then the end.</summary>
    private static async Task EndOfStartedAsync(RunningStages run, List<Pipes.Communication> pumps, ChannelWriter<OutputLine[]> lines)
    {
        try
        {
            await run.WaitAllAsync(Waiter.Awaiting, timeout: null, default).ConfigureAwait(false);
            foreach (Pipes.Communication pump in pumps)
            {
                if (!await Waiter.Awaiting.WaitAsync(pump.Done, run.Settings.DrainTimeout, default).ConfigureAwait(false))
                {
                    pump.Abandon(); // something the child started holds the pipe: given up on
                }
            }
            lines.TryComplete();
        }
        catch (Exception e)
        {
            lines.TryComplete(e);
        }
    }

    /// <summary>Waits for the exits and the last lines, then closes the channel: plainly, or with the
    /// timeout's or the check's exception, which the reader gets after the last line.</summary>
    private static async Task EndAsync(RunningStages run, ChannelWriter<OutputLine[]> lines, StderrTail[] stderr, CancellationToken cancellationToken)
    {
        try
        {
            if (!await run.WaitAllAsync(Waiter.Awaiting, run.Settings.Timeout, cancellationToken).ConfigureAwait(false))
            {
                await run.EndAsync(Waiter.Awaiting, tree: true, ChildTrace.Timeout).ConfigureAwait(false);
                throw new ProcessTimeoutException(run.CommandLine, run.Settings.Timeout!.Value, [], stderr[^1].Bytes(run.Settings.Encoding), run.Poll());
            }
            IReadOnlyList<ExitStatus> statuses = run.PollAll()!;
            int failing = Verdict.FailingStage(statuses);
            if (run.Settings.Check && failing >= 0)
            {
                string? stage = statuses.Count > 1 ? $"stage {failing + 1} of {statuses.Count} ({Launching.CommandLine.InMessage(run.StageCommandLine(failing))})" : null;
                throw new ProcessFailedException(run.CommandLine, statuses[failing], [], stderr[failing].Bytes(run.Settings.Encoding), stage, run.Settings.Encoding);
            }
            lines.TryComplete();
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled: the tree ends now, not once the reader has worked through the lines queued.
            lines.TryComplete(e);
            await run.EndAsync(Waiter.Awaiting, tree: true, ChildTrace.Cancelled).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lines.TryComplete(e);
        }
    }

    /// <summary>The request with its outputs, where left inherited or piped, turned into line targets.</summary>
    private static StartRequest WithLineTargets(StartRequest request, ChannelWriter<OutputLine[]> lines, StderrTail[] stderr)
    {
        var stdout = new Batch(OutputStream.Stdout, lines, tail: null);
        var stages = new CommandSpec[request.Stages.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            CommandSpec stage = request.Stages[i];
            // Each stage's stderr is a pipe of its own, pumped apart: a batch and a tail each.
            stderr[i] = new StderrTail();
            var errors = new Batch(OutputStream.Stderr, lines, stderr[i]);
            stages[i] = stage with
            {
                Stdout = i == stages.Length - 1 && stage.Stdout.Kind is StdioKind.Inherit or StdioKind.Pipe ? stdout.Target
                    : stage.Stdout is Stdio.TerminalTarget terminal ? terminal.ShowingTo(stdout.Target) : stage.Stdout,
                Stderr = stage.Stderr.Kind is StdioKind.Inherit or StdioKind.Pipe ? errors.Target
                    : stage.Stderr is Stdio.TerminalTarget alone && stage.Stdout is not Stdio.TerminalTarget ? alone.ShowingTo(errors.Target) : stage.Stderr,
            };
        }
        // Leaving the loop early ends the tree, which takes a group (unless a stage reads our terminal).
        return request with { Stages = stages, Group = request.Group == GroupNeed.None ? GroupNeed.ToEndTheTree : request.Group };
    }

    /// <summary>The lines of one read of one pipe, handed to the channel together.</summary>
    private sealed class Batch(OutputStream stream, ChannelWriter<OutputLine[]> lines, StderrTail? tail)
    {
        private readonly List<OutputLine> _lines = [];

        public Stdio.LinesTarget Target => new(Add, Send);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(string text)
        {
            _lines.Add(new OutputLine(text, stream));
            tail?.Add(text);
        }

        public void Send()
        {
            if (_lines.Count > 0)
            {
                lines.TryWrite([.. _lines]);
                _lines.Clear();
            }
        }
    }

    /// <summary>Walks the batches; waits only when none is left. Disposing it does <c>leave</c>, told
    /// whether the loop was left early: the tree of a command it started is ended then; a child the
    /// caller started is left running, its later lines dropped.</summary>
    private sealed class Enumerator(ChannelReader<OutputLine[]> lines, Func<bool, ValueTask> leave, CancellationTokenSource? linked,
        CancellationToken cancellationToken) : IAsyncEnumerator<OutputLine>
    {
        private OutputLine[] _batch = [];
        private int _next;
        private bool _ended;

        public OutputLine Current { get; private set; }

        // Optimised from the first call, as the sink's splitting is: it runs once a line.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ValueTask<bool> MoveNextAsync()
        {
            // A cancellation ends the loop at once, not after the lines already queued.
            cancellationToken.ThrowIfCancellationRequested();
            if (_next < _batch.Length || TryTakeBatch())
            {
                Current = _batch[_next++];
                return new ValueTask<bool>(true);
            }
            return WaitAsync();
        }

        private bool TryTakeBatch()
        {
            if (!lines.TryRead(out OutputLine[]? batch))
            {
                return false;
            }
            (_batch, _next) = (batch, 0);
            return true;
        }

        /// <summary>Nothing is waiting: waits for the next batch, or the end (and its exception).</summary>
        private async ValueTask<bool> WaitAsync()
        {
            while (await lines.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TryTakeBatch())
                {
                    Current = _batch[_next++];
                    return true;
                }
            }
            _ended = true;
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await leave(!_ended).ConfigureAwait(false);
            linked?.Dispose();
        }
    }

    /// <summary>The last lines of stderr, for the exception of a failure or a timeout.</summary>
    private sealed class StderrTail
    {
        private readonly Queue<string> _lines = new();
        private int _length;

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                _length += line.Length + 1;
                while (_length > StderrKept && _lines.Count > 1)
                {
                    _length -= _lines.Dequeue().Length + 1;
                }
            }
        }

        /// <summary>The lines kept, encoded back as they came (<paramref name="encoding"/>).</summary>
        public byte[] Bytes(Encoding encoding)
        {
            lock (_lines)
            {
                return encoding.GetBytes(string.Concat(_lines.Select(line => line + "\n")));
            }
        }
    }
}

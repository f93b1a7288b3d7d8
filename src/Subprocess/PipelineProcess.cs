using System.Diagnostics;
using Subprocess.Native;
using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess;

/// <summary>
/// A running (or finished) <see cref="Pipeline"/>: every stage's <see cref="ChildProcess"/>, the
/// first stage's stdin, the last stage's stdout and stderr. Statuses follow the pipeline's verdict
/// rule (see <see cref="Pipeline"/>). Signals and disposal reach every stage: on Linux through the
/// process group they share. Disposing a pipeline that still runs ends it.
/// </summary>
/// <example><code>
/// await using var running = (Command.Create("sort") | Command.Create("uniq")).Start();
/// ProcessOutput output = await running.CommunicateAsync("b\na\nb\n"u8.ToArray());   // needs Stdio.Pipe set on both ends
/// </code></example>
public sealed class PipelineProcess : IDisposable, IAsyncDisposable, IRunningProcess
{
    private readonly ChildProcess[] _stages;
    private readonly Exchange _exchange;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeSpan _drainTimeout;
    private readonly long _maxOutput;
    private int _disposed;

    internal PipelineProcess(string commandLine, ChildProcess[] stages, TimeSpan gracePeriod, TimeSpan drainTimeout, long maxOutput)
    {
        _maxOutput = maxOutput;
        CommandLine = commandLine;
        _stages = stages;
        _gracePeriod = gracePeriod;
        _drainTimeout = drainTimeout;
        _exchange = new Exchange(
            Pipes(stages[0]).Stdin, Pipes(stages[^1]).Stdout, [.. stages.Select(stage => Pipes(stage).Stderrs[0])]);
    }

    /// <summary>The pipeline as a shell would write it.</summary>
    public string CommandLine { get; }

    /// <summary>Every stage, first to last.</summary>
    public IReadOnlyList<ChildProcess> Stages => _stages;

    /// <summary>When the first stage was spawned.</summary>
    public DateTimeOffset StartTime => _stages[0].StartTime;

    /// <summary>The first stage's stdin, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stdin => _stages[0].Stdin;

    /// <summary>The last stage's stdout, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stdout => _stages[^1].Stdout;

    /// <summary>The last stage's stderr, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stderr => _stages[^1].Stderr;

    /// <summary>The verdict once every stage has exited, else null. Never blocks.</summary>
    public ExitStatus? Poll() => PollAll() is { } statuses ? Verdict.Of(statuses) : null;

    /// <summary>Every stage's status once all have exited, else null.</summary>
    public IReadOnlyList<ExitStatus>? PollAll()
    {
        var statuses = new ExitStatus[_stages.Length];
        for (int i = 0; i < _stages.Length; i++)
        {
            if (_stages[i].Poll() is not ExitStatus status)
            {
                return null;
            }
            statuses[i] = status;
        }
        return statuses;
    }

    /// <summary>Waits for every stage and returns the verdict; with a timeout, throws
    /// <see cref="ProcessTimeoutException"/> and leaves the stages running.</summary>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        ChildProcess.ValidateTimeout(timeout);
        return Synchronously.Result(WaitAllAsync(timeout, synchronous: true, default))
            ? Poll()!.Value
            : throw new ProcessTimeoutException(CommandLine, timeout!.Value, [], []);
    }

    /// <summary>Completes with the verdict when every stage has exited. Cancelling
    /// <paramref name="cancellationToken"/> ends every stage and throws <see cref="OperationCanceledException"/>.</summary>
    public Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        Execution.EndTreeIfCanceledAsync(this, async () =>
        {
            await WaitAllAsync(null, synchronous: false, cancellationToken).ConfigureAwait(false);
            return Poll()!.Value;
        }, cancellationToken);

    /// <summary><see cref="ChildProcess.Communicate"/> for the whole pipeline: feeds the first stage,
    /// drains the last stage's stdout and every piped stderr (joined in stage order), waits for all.</summary>
    public ProcessOutput Communicate(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null)
    {
        ChildProcess.ValidateTimeout(timeout);
        return Synchronously.Result(Execution.CommunicateAsync(this, input, timeout, synchronous: true, default));
    }

    /// <summary>The asynchronous <see cref="Communicate"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ChildProcess.ValidateTimeout(timeout);
        return Execution.CommunicateAsync(this, input, timeout, synchronous: false, cancellationToken).AsTask();
    }

    /// <summary>Sends <paramref name="signal"/> to every stage (their process group on Linux).</summary>
    public void Signal(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signal);
        SignalAll(signal, tree: false);
    }

    /// <summary>SIGTERM to every stage.</summary>
    public void Terminate() => Signal(Libc.SIGTERM);

    /// <summary>SIGKILL to every stage.</summary>
    public void Kill() => Signal(Libc.SIGKILL);

    /// <summary>Ends every stage still running (SIGTERM, grace period, SIGKILL), then releases them.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (PollAll() is null)
            {
                Synchronously.Complete(EndTreeAsync(synchronous: true));
            }
            _exchange.Dispose();
            foreach (ChildProcess stage in _stages)
            {
                stage.Dispose();
            }
        }
    }

    /// <summary>The asynchronous <see cref="Dispose"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (PollAll() is null)
            {
                await EndTreeAsync(synchronous: false).ConfigureAwait(false);
            }
            _exchange.Dispose();
            foreach (ChildProcess stage in _stages)
            {
                await stage.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    Exchange IRunningProcess.Exchange => _exchange;

    DateTimeOffset IRunningProcess.ExitTime => _stages.Max(stage => stage.Exit.ExitTime);

    Task IRunningProcess.Exited => Task.WhenAll(_stages.Select(stage => stage.Exit.Task));

    TimeSpan IRunningProcess.DrainTimeout => _drainTimeout;

    long IRunningProcess.MaxOutput => _maxOutput;

    string IRunningProcess.StageCommandLine(int index) => _stages[index].CommandLine;

    /// <summary>Waits for every stage within one deadline; false when it passed.</summary>
    internal async ValueTask<bool> WaitAllAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        foreach (ChildProcess stage in _stages)
        {
            TimeSpan? remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (remaining < TimeSpan.Zero)
            {
                remaining = TimeSpan.Zero; // still polls the stage once
            }
            if (await stage.WaitCoreAsync(remaining, synchronous, cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }
        return true;
    }

    ValueTask<bool> IRunningProcess.WaitAllAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken) =>
        WaitAllAsync(timeout, synchronous, cancellationToken);

    /// <summary>SIGTERM to every stage, the grace period, SIGKILL to whatever is left of the group.</summary>
    internal async ValueTask EndTreeAsync(bool synchronous)
    {
        if (_gracePeriod > TimeSpan.Zero)
        {
            SignalAll(Libc.SIGTERM, tree: true);
            await WaitAllAsync(_gracePeriod, synchronous, default).ConfigureAwait(false);
        }
        SignalAll(Libc.SIGKILL, tree: true);
        await WaitAllAsync(null, synchronous, default).ConfigureAwait(false);
    }

    ValueTask IRunningProcess.EndTreeAsync(bool synchronous) => EndTreeAsync(synchronous);

    CallerLoop? IRunningProcess.OpenCallerLoop() => CallerLoop.TryCreate([.. _stages.Select(stage => stage.Control)]);

    /// <summary>To the shared process group where there is one; else to each stage, with whatever it
    /// started too when <paramref name="tree"/>.</summary>
    private void SignalAll(int signal, bool tree)
    {
        if (_stages[0].Control.GroupId != 0)
        {
            // One signal reaches every stage and anything they started, even after some have exited.
            _stages[0].Control.Signal(signal, group: true);
            return;
        }
        foreach (ChildProcess stage in _stages)
        {
            stage.Control.Signal(signal, group: tree);
        }
    }

    private static Exchange Pipes(IRunningProcess stage) => stage.Exchange;
}

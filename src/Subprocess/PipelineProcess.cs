using Subprocess.Native;
using Subprocess.Running;
using Subprocess.Waiting;

namespace Subprocess;

/// <summary>
/// A running (or finished) <see cref="Pipeline"/>: every stage's <see cref="ChildProcess"/>, the
/// first stage's stdin, the last stage's stdout and stderr. Statuses follow the pipeline's verdict
/// rule (see <see cref="Pipeline"/>). Signals and disposal reach every stage: on Linux through the
/// process group they share (each stage alone, where the pipeline reads this process's terminal and has none). Disposing a pipeline that still runs ends it.
/// </summary>
/// <example><code>
/// await using var running = (Command.Create("sort") | Command.Create("uniq")).Start();
/// ProcessOutput output = await running.CommunicateAsync("b\na\nb\n"u8.ToArray());   // needs Stdio.Pipe set on both ends
/// </code></example>
public sealed class PipelineProcess : IDisposable, IAsyncDisposable
{
    private readonly RunningStages _run;
    private readonly ChildProcess[] _stages;

    internal PipelineProcess(RunningStages run)
    {
        _run = run;
        _stages = [.. Enumerable.Range(0, run.Controls.Count).Select(index => new ChildProcess(run.Stage(index)))];
    }

    /// <summary>The pipeline as a shell would write it.</summary>
    public string CommandLine => _run.CommandLine;

    /// <summary>Every stage, first to last.</summary>
    public IReadOnlyList<ChildProcess> Stages => _stages;

    /// <summary>When the first stage was spawned.</summary>
    public DateTimeOffset StartTime => _run.StartTime;

    /// <summary>The first stage's stdin, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stdin => _run.Stdin;

    /// <summary>The last stage's stdout, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stdout => _run.Stdout;

    /// <summary>The last stage's stderr, when its command piped it.</summary>
    /// <exception cref="InvalidOperationException">It was not piped.</exception>
    public Stream Stderr => _run.Stderr;

    /// <summary>The verdict once every stage has exited, else null. Never blocks.</summary>
    public ExitStatus? Poll() => _run.Poll();

    /// <summary>Every stage's status once all have exited, else null.</summary>
    public IReadOnlyList<ExitStatus>? PollAll() => _run.PollAll();

    /// <summary>Waits for every stage and returns the verdict; with a timeout, throws
    /// <see cref="ProcessTimeoutException"/> and leaves the stages running.</summary>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        timeout = ChildProcess.ValidTimeout(timeout);
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(_run.WaitAsync(waiter, timeout, default));
    }

    /// <summary>Completes with the verdict when every stage has exited. Cancelling
    /// <paramref name="cancellationToken"/> ends every stage and throws <see cref="OperationCanceledException"/>.</summary>
    public Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        _run.WaitAsync(Waiter.Awaiting, null, cancellationToken).AsTask();

    /// <summary>Completes with the verdict when every stage has exited; once <paramref name="timeout"/> passes,
    /// throws <see cref="ProcessTimeoutException"/> and leaves the stages running, as <see cref="Wait"/> does.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">A stage was still running after <paramref name="timeout"/>.</exception>
    public Task<ExitStatus> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _run.WaitAsync(Waiter.Awaiting, ChildProcess.ValidTimeout(timeout), cancellationToken).AsTask();

    /// <summary><see cref="ChildProcess.Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> for the whole pipeline: feeds the first stage,
    /// drains the last stage's stdout and every piped stderr (joined in stage order), waits for all.</summary>
    public ProcessOutput Communicate(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null)
    {
        timeout = ChildProcess.ValidTimeout(timeout);
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(_run.CommunicateAsync(waiter, input, timeout, default));
    }

    /// <summary>The async twin of <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        timeout = ChildProcess.ValidTimeout(timeout);
        return _run.CommunicateAsync(Waiter.Awaiting, input, timeout, cancellationToken).AsTask();
    }

    /// <summary><see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> with text as input, encoded as
    /// UTF-8 (or as the command's <c>WithEncoding</c> says): Python's <c>communicate(input="...")</c> with
    /// <c>text=True</c>.</summary>
    /// <example><code>string sorted = child.Communicate("b\na\n").StdoutText;</code></example>
    public ProcessOutput Communicate(string input, TimeSpan? timeout = null) => Communicate(_run.Encode(input), timeout);

    /// <summary>The async twin of <see cref="Communicate(string, TimeSpan?)"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(string input, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CommunicateAsync(_run.Encode(input), timeout, cancellationToken);

    /// <summary>Sends <paramref name="signal"/> to every stage (their process group on Linux, while its ID is still theirs).</summary>
    public void Signal(int signal)
    {
        ChildProcess.ValidSignal(signal);
        _run.SignalAll(signal, tree: false);
    }

    /// <summary>SIGTERM to every stage.</summary>
    public void Terminate() => Signal(Signals.SIGTERM);

    /// <summary>SIGKILL to every stage.</summary>
    public void Kill() => Signal(Signals.SIGKILL);

    /// <summary>Ends every stage still running (SIGTERM, grace period, SIGKILL), then releases them.</summary>
    public void Dispose()
    {
        using Waiter waiter = Waiter.Blocking();
        Synchronously.Complete(_run.DisposeAsync(waiter, tree: true));
    }

    /// <summary>The async twin of <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync(Waiter.Awaiting, tree: true);
}

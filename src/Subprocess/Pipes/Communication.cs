namespace Subprocess.Pipes;

/// <summary>
/// One run of <c>Communicate</c>: stdin fed, stdout and stderr drained, all at once, by pumps that
/// report here when they finish. The sync and async twins wait on the same object: an event for
/// one, a task for the other. It outlives a timeout, so trying again loses no output (as in Python).
/// </summary>
#pragma warning disable CA1001 // ManualResetEventSlim holds no kernel handle unless WaitHandle is read; nothing to dispose.
internal sealed class Communication
{
    private readonly ManualResetEventSlim _event = new(false);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending = 1; // the starter's own count, released by Started()
    private Exception? _error;

    /// <param name="stages">How many stderr streams there are: one per pipeline stage.</param>
    public Communication(int stages) => Stderr = [.. Enumerable.Range(0, stages).Select(_ => new OutputBuffer())];

    public OutputBuffer Stdout { get; } = new();

    /// <summary>Each stage's stderr, in stage order.</summary>
    public IReadOnlyList<OutputBuffer> Stderr { get; }

    public bool IsDone => _event.IsSet;

    /// <summary>A pump's failure other than the child closing its end early; thrown to the waiter.</summary>
    public Exception? Error => _error;

    public Task Completion => _completion.Task;

    /// <summary>Counts a pump in; it must call <see cref="PumpFinished"/> once.</summary>
    public void PumpStarting() => Interlocked.Increment(ref _pending);

    /// <summary>All pumps are started; from here the last to finish completes the communication.</summary>
    public void Started() => PumpFinished(null);

    public void PumpFinished(Exception? error)
    {
        if (error is not null)
        {
            Interlocked.CompareExchange(ref _error, error, null);
        }
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _event.Set();
            _completion.TrySetResult();
        }
    }

    /// <summary>Blocks until every pump is done or <paramref name="timeout"/> passes (null: forever).</summary>
    public bool Wait(TimeSpan? timeout) => _event.Wait(timeout ?? Timeout.InfiniteTimeSpan);

    /// <summary>Stdout, and every stage's stderr one after the other.</summary>
    public ProcessOutput Snapshot() =>
        new(Stdout.ToArray(), Stderr.Count == 1 ? Stderr[0].ToArray() : [.. Stderr.SelectMany(s => s.ToArray())]);
}
#pragma warning restore CA1001

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

    public OutputBuffer Stdout { get; } = new();

    public OutputBuffer Stderr { get; } = new();

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

    public ProcessOutput Snapshot() => new(Stdout.ToArray(), Stderr.ToArray());
}
#pragma warning restore CA1001

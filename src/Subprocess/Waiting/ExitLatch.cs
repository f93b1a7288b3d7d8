namespace Subprocess.Waiting;

/// <summary>
/// The moment a child's exit is known, observable three ways: <see cref="Status"/> without waiting,
/// <see cref="Wait"/> blocking, <see cref="Task"/> awaiting. Set once, by whoever reaps the child.
/// </summary>
#pragma warning disable CA1001 // ManualResetEventSlim holds no kernel handle unless WaitHandle is read; nothing to dispose.
internal sealed class ExitLatch
{
    private readonly ManualResetEventSlim _event = new(false);
    private readonly TaskCompletionSource<ExitStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExitStatus _status;
    private volatile bool _set;

    public ExitStatus? Status => _set ? _status : null;

    public DateTimeOffset ExitTime { get; private set; }

    public Task<ExitStatus> Task => _completion.Task;

    public bool TrySet(ExitStatus status)
    {
        lock (_event)
        {
            if (_set)
            {
                return false;
            }
            _status = status;
            ExitTime = DateTimeOffset.UtcNow;
            _set = true;
        }
        _event.Set();
        _completion.TrySetResult(status);
        return true;
    }

    /// <summary>Blocks until the exit is known or <paramref name="timeout"/> passes (null: forever).</summary>
    public bool Wait(TimeSpan? timeout) => _set || _event.Wait(timeout ?? System.Threading.Timeout.InfiniteTimeSpan);
}
#pragma warning restore CA1001

namespace Subprocess.Waiting;

/// <summary>
/// A one-way door that blocking and awaiting waiters can both wait at: an event for blocking waits,
/// a task for awaiting ones. Opened once, never closed.
/// </summary>
#pragma warning disable CA1001 // ManualResetEventSlim holds no kernel handle unless WaitHandle is read; nothing to dispose.
internal sealed class Gate
{
    private readonly ManualResetEventSlim _event = new(false);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _event.IsSet;

    /// <summary>Completes when the gate opens.</summary>
    public Task Opened => _opened.Task;

    public void Open()
    {
        _event.Set();
        _opened.TrySetResult();
    }

    /// <summary>Blocks until open or <paramref name="timeout"/> passes (null: forever); false on timeout.</summary>
    public bool Wait(TimeSpan? timeout, CancellationToken cancellationToken = default) =>
        _event.Wait(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken);
}
#pragma warning restore CA1001

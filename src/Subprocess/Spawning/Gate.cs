namespace Subprocess.Spawning;

/// <summary>
/// A one-way door that sync and async waiters can both wait at: an event for blocking waits, a task
/// for awaiting ones. Opened once, never closed.
/// </summary>
#pragma warning disable CA1001 // ManualResetEventSlim holds no kernel handle unless WaitHandle is read; nothing to dispose.
internal sealed class Gate
{
    private readonly ManualResetEventSlim _event = new(false);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _event.IsSet;

    public Task Opened => _opened.Task;

    public void Open()
    {
        _event.Set();
        _opened.TrySetResult();
    }

    /// <summary>Waits until open or <paramref name="timeout"/> passes (null: forever); false on timeout.</summary>
    public async ValueTask<bool> WaitAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken)
    {
        if (synchronous || IsOpen)
        {
            return _event.Wait(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        try
        {
            await _opened.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
#pragma warning restore CA1001

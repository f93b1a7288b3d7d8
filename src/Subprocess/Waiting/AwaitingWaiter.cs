namespace Subprocess.Waiting;

/// <summary>The waiter of async calls (the <c>...Async</c> methods): the shared <see cref="EventLoop"/> pumps and reaps, and
/// waits are tasks, timed on a <see cref="TimeProvider"/>.</summary>
internal sealed class AwaitingWaiter(TimeProvider time) : Waiter
{
    public override IReadyLoop? Loop => null;

    public override bool Reaps => false;

    public override TimeProvider Time => time;

    public override async ValueTask<bool> WaitAsync(Gate gate, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (gate.IsOpen)
        {
            return true;
        }
        try
        {
            await gate.Opened.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public override async ValueTask<bool> WaitExitedAsync(IReadOnlyList<IExitSource> children, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        foreach (IExitSource child in children)
        {
            // A child that has exited is answered at once, without waiting for the loop to notice.
            if (child.Poll() is not null)
            {
                continue;
            }
            child.StartReaping();
            try
            {
                await child.Exit.Task.WaitAsync(Remaining(timeout, started) ?? Timeout.InfiniteTimeSpan, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
        return true;
    }

    public override void WhenExited(IReadOnlyList<IExitSource> children, Action onExited)
    {
        foreach (IExitSource child in children)
        {
            child.StartReaping();
        }
        Task exited = children.Count == 1 ? children[0].Exit.Task : Task.WhenAll(children.Select(child => child.Exit.Task));
        _ = exited.ContinueWith(static (_, state) => ((Action)state!)(), onExited,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

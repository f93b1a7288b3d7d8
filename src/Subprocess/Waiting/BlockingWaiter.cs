namespace Subprocess.Waiting;

/// <summary>
/// The waiter of one blocking call. It waits in <c>poll(2)</c> on the calling thread, in a
/// <see cref="CallerLoop"/> made on first use, over the pipes it pumps and the pidfds of the children
/// it waits for, reaping them itself; where there is nothing to poll (the portable spawner's children,
/// or pumps an earlier call left on the shared loop) it blocks on events instead.
/// </summary>
internal sealed class BlockingWaiter : Waiter
{
    /// <summary>A waiter that only blocks on events.</summary>
    private static readonly BlockingWaiter OnEvents = new(pumps: false);

    private readonly bool _pumps;
    private CallerLoop? _loop;

    /// <param name="pumps">Whether it runs a loop of its own; else it only blocks on events.</param>
    public BlockingWaiter(bool pumps) => _pumps = pumps;

    public override IReadyLoop? Loop => OwnLoop;

    public override bool Reaps => _pumps;

    public override TimeProvider Time => TimeProvider.System;

    private CallerLoop? OwnLoop => _pumps ? _loop ??= new CallerLoop() : null;

    public override Waiter For(IReadyLoop? pumpLoop) => pumpLoop is not null && ReferenceEquals(pumpLoop, _loop) ? this : OnEvents;

    public override ValueTask<bool> WaitAsync(Gate gate, TimeSpan? timeout, CancellationToken cancellationToken) =>
        new(gate.IsOpen || (OwnLoop is CallerLoop loop ? loop.RunUntil(gate, timeout) : gate.Wait(timeout, cancellationToken)));

    public override ValueTask<bool> WaitExitedAsync(IReadOnlyList<IExitSource> children, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        // No waitid first: waiting on a pidfd returns at once for a child that has exited, and then
        // reaps it, so a look beforehand would only add a system call to every blocking Run.
        // Pumps registered here keep being served while the exits are awaited (a child ending after a
        // timeout may still write); with none, each child's pidfd is waited on directly.
        if (_loop is { HasPumps: true } loop && Pollable(children))
        {
            return new(loop.RunUntilExited(children, timeout));
        }
        long started = Time.GetTimestamp();
        for (int i = 0; i < children.Count; i++)
        {
            if (!children[i].WaitForExit(Remaining(timeout, started)))
            {
                return new(false);
            }
        }
        return new(true);
    }

    public override void WhenExited(IReadOnlyList<IExitSource> children, Action onExited)
    {
        if (_pumps && Pollable(children))
        {
            OwnLoop!.WatchExit(children, onExited);
        }
        else
        {
            Awaiting.WhenExited(children, onExited);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _loop?.Dispose();
        }
        base.Dispose(disposing);
    }

    private static bool Pollable(IReadOnlyList<IExitSource> children)
    {
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].ExitDescriptor is null)
            {
                return false;
            }
        }
        return true;
    }
}

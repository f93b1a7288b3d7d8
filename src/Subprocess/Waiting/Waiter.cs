namespace Subprocess.Waiting;

/// <summary>
/// How one call waits, chosen once at the public method and handed down: <see cref="Blocking"/> for
/// a blocking call (<c>Run</c>, <c>Capture</c>, <c>Wait</c>, <c>Communicate</c>, <c>Dispose</c>), which waits on its own thread and pumps its own pipes and reaps its own
/// children there with <c>poll(2)</c> (as Python's <c>communicate</c> does: no hand-off to another
/// thread per read), or <see cref="Awaiting"/> for an async one, whose pipes and exits the
/// shared <see cref="EventLoop"/> serves. Everything under the public methods waits through the waiter
/// it was given, so the engine is written once for both; a blocking waiter's tasks are complete when
/// they are returned.
/// </summary>
internal abstract class Waiter : IDisposable
{
    /// <summary>The waiter of async calls, on the system's clock.</summary>
    public static Waiter Awaiting { get; } = new AwaitingWaiter(TimeProvider.System);

    /// <summary>A waiter for one blocking call: dispose it when the call ends, which hands whatever
    /// it still pumps to the shared event loop.</summary>
    public static Waiter Blocking() => new BlockingWaiter(pumps: true);

    /// <summary>An async waiter whose timeouts run on <paramref name="time"/>.</summary>
    public static Waiter AwaitingOn(TimeProvider time) =>
        time == TimeProvider.System ? Awaiting : new AwaitingWaiter(time);

    /// <summary>Where pumps started under this waiter wait for their descriptors (null: the shared event loop).</summary>
    public abstract IReadyLoop? Loop { get; }

    /// <summary>Whether this waiter reaps the children it waits for by itself, so a launch for it need
    /// not register them with the shared event loop.</summary>
    public abstract bool Reaps { get; }

    /// <summary>The clock its timeouts run on.</summary>
    public abstract TimeProvider Time { get; }

    /// <summary>The waiter to use with pumps that wait on <paramref name="pumpLoop"/>: itself, unless an
    /// earlier call started them elsewhere (then a blocking waiter waits on events for them).</summary>
    public virtual Waiter For(IReadyLoop? pumpLoop) => this;

    /// <summary>Waits until <paramref name="gate"/> opens or <paramref name="timeout"/> passes (null: no
    /// limit); false on timeout.</summary>
    public abstract ValueTask<bool> WaitAsync(Gate gate, TimeSpan? timeout, CancellationToken cancellationToken);

    /// <summary>Waits until every one of <paramref name="children"/> has exited, within one deadline;
    /// false if it passed first.</summary>
    public abstract ValueTask<bool> WaitExitedAsync(IReadOnlyList<IExitSource> children, TimeSpan? timeout,
        CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onExited"/> once every one of <paramref name="children"/> has exited,
    /// from whichever thread learns it (at once if they have).</summary>
    public abstract void WhenExited(IReadOnlyList<IExitSource> children, Action onExited);

    /// <summary>Ends the call's use of the waiter (a blocking one hands what it still pumps to the shared loop).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>What is left of <paramref name="timeout"/> (null: no limit) since <paramref name="started"/>, a
    /// timestamp of <see cref="Time"/>; never less than zero, so a wait past its deadline still looks once.</summary>
    public TimeSpan? Remaining(TimeSpan? timeout, long started)
    {
        TimeSpan? left = timeout - Time.GetElapsedTime(started);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }
}

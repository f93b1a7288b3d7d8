using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Spawning;

/// <summary>
/// Every child that must not outlive this process: ended (SIGTERM to its process group if it leads
/// one, else to the child alone; a grace period; SIGKILL the same way) when the process exits
/// normally, on an unhandled exception, and on SIGINT, SIGTERM, SIGHUP or SIGQUIT. Detached children
/// are not tracked. A SIGKILL to this process cannot be caught, so nothing here runs then.
/// While the children are being ended, starts are closed, so none slips past the ending: for good
/// once the process exits (or throws), and for a moment past the ending of a signal (a handler after
/// ours may cancel it, and the process live on).
/// </summary>
internal static class LiveChildren
{
    /// <summary>Longest the exit handler waits for children between SIGTERM and SIGKILL.</summary>
    private static readonly TimeSpan LongestGrace = TimeSpan.FromSeconds(2);

    /// <summary>How long after ending the children on a signal starts stay closed: time for the
    /// signal's default action to end this process, which a start must not race.</summary>
    private static readonly TimeSpan ReopenAfterSignal = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<ProcessControl, TimeSpan> Tracked = new();
    private static readonly Lazy<PosixSignalRegistration[]> Handlers = new(Register);
    private static readonly ManualResetEventSlim StartsOpen = new(initialState: true);
    private static int _ending;
    private static int _endings;
    private static volatile bool _exiting;
    private static Timer? _reopen;

    /// <summary>Before a start that is to be tracked: waits while children are being ended on a
    /// signal (the start goes ahead if the process lives on), and refuses once the process exits.</summary>
    /// <exception cref="ProcessStartException">This process is exiting.</exception>
    public static void AwaitStartsOpen(string program)
    {
        while (!StartsOpen.Wait(TimeSpan.FromMilliseconds(50)))
        {
            if (_exiting)
            {
                throw Refused(program);
            }
        }
    }

    /// <summary>Tracks a child just started. False if an ending began meanwhile, whose look at the
    /// tracked children may have missed it: the caller must end it itself.</summary>
    public static bool Track(ProcessControl control, TimeSpan gracePeriod)
    {
        _ = Handlers.Value;
        Tracked[control] = gracePeriod;
        if (control.Exit.Status is not null)
        {
            Untrack(control); // it exited before it was tracked
        }
        // Either the ending's look at Tracked (after it closed the starts) sees this child, or this
        // sees the starts closed, or both; never neither.
        Interlocked.MemoryBarrier();
        return StartsOpen.IsSet;
    }

    /// <summary>What a start that raced this process's end throws (its child, if any, already ended).</summary>
    public static ProcessStartException Refused(string program) => new(program, null, 0,
        _exiting ? "this process is exiting, and a child started now would outlive it"
                 : "this process was ending its children (on a signal) as it started, so it was ended too");

    public static void Untrack(ProcessControl control) => Tracked.TryRemove(control, out _);

    /// <summary>
    /// Installs the exit and signal handlers now rather than at the first child. The runtime runs the
    /// handlers of a signal latest registration first, and stops at one that cancels the signal: a
    /// program that handles Ctrl-C itself (subproc) installs these first, so that its own handler runs
    /// before them, and, cancelling, decides alone what a Ctrl-C ends.
    /// </summary>
    public static void Install() => _ = Handlers.Value;

    /// <summary>SIGKILLs every tracked child's tree at once (a second interrupt's answer).</summary>
    public static void KillAll() => SignalEach(Snapshot().ConvertAll(entry => entry.Key), Signals.SIGKILL);

    /// <summary>The tracked children and their grace periods, read by plain enumeration: an exit handler must
    /// not fail, and <c>ToArray</c> and <c>Keys</c> lock the dictionary and reach its event source, which
    /// has been seen failing to initialise (a <c>TypeInitializationException</c> under an emulator).</summary>
    private static List<KeyValuePair<ProcessControl, TimeSpan>> Snapshot()
    {
        var tracked = new List<KeyValuePair<ProcessControl, TimeSpan>>();
        foreach (KeyValuePair<ProcessControl, TimeSpan> entry in Tracked)
        {
            tracked.Add(entry);
        }
        return tracked;
    }

    /// <summary><see cref="ProcessControl.SignalEach"/> for an exit handler: one child whose signal fails
    /// (whatever the reason) does not keep the others from theirs.</summary>
    private static bool SignalEach(IReadOnlyList<ProcessControl> children, int signal)
    {
        bool sent = false;
        foreach (ProcessControl child in children)
        {
            try
            {
                sent |= child.Signal(signal, group: child.CanSignalTree);
            }
#pragma warning disable CA1031 // an exit handler that threw would crash the exit it runs in, and leave the other children running
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        return sent;
    }

    /// <summary>
    /// Ends every tracked child's tree. Blocks for at most the longest grace period (capped). Called
    /// again while that is under way (a second Ctrl-C), it SIGKILLs them at once.
    /// </summary>
    /// <param name="exiting">The process is exiting (or dying of an unhandled exception): starts stay closed.</param>
    private static void EndAll(bool exiting)
    {
        if (exiting)
        {
            _exiting = true; // never back to false: a signal's ending running at once must not undo it
        }
        Interlocked.Increment(ref _endings);
        StartsOpen.Reset();
        Interlocked.MemoryBarrier();
        List<KeyValuePair<ProcessControl, TimeSpan>> tracked = Snapshot();
        var children = new ProcessControl[tracked.Count];
        TimeSpan grace = TimeSpan.Zero;
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = tracked[i].Key;
            grace = tracked[i].Value > grace ? tracked[i].Value : grace;
        }
        if (Interlocked.Increment(ref _ending) > 1)
        {
            KillAll();
            ReopenLater();
            return;
        }
        try
        {
            if (children.Length > 0)
            {
                using Waiter waiter = Waiter.Blocking();
                Synchronously.Complete(TreeEnding.EndAsync(children, signal => SignalEach(children, signal),
                    grace < LongestGrace ? grace : LongestGrace, waiter, afterKill: TimeSpan.Zero));
            }
        }
        finally
        {
            Interlocked.Exchange(ref _ending, 0);
            ReopenLater();
        }
    }

    /// <summary>Reopens starts a moment from now, unless the process exits, or another ending has begun
    /// or is still under way by then.</summary>
    private static void ReopenLater()
    {
        if (_exiting)
        {
            return;
        }
        int endings = Volatile.Read(ref _endings);
        // Kept in a field: a timer nothing refers to may be collected before it fires.
        _reopen = new Timer(_ =>
        {
            if (!_exiting && Volatile.Read(ref _ending) == 0 && Volatile.Read(ref _endings) == endings)
            {
                StartsOpen.Set();
            }
        }, null, ReopenAfterSignal, Timeout.InfiniteTimeSpan);
    }

    private static PosixSignalRegistration[] Register()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Guarded(exiting: true);
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Guarded(exiting: true);
        if (OperatingSystem.IsWindows())
        {
            return [];
        }
        // The handlers do not cancel the signal: the runtime's own handling (ending the process)
        // follows, with the children already ended.
        return [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => Guarded(exiting: false)))];
    }

    /// <summary><see cref="EndAll"/> as a handler runs it: whatever the runtime's state, it never throws
    /// (an exit handler that throws turns a normal exit into a crash), ending what it still can.</summary>
    private static void Guarded(bool exiting)
    {
        try
        {
            EndAll(exiting);
        }
#pragma warning disable CA1031 // see above: nothing may escape an exit handler
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}

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
/// </summary>
internal static class LiveChildren
{
    /// <summary>Longest the exit handler waits for children between SIGTERM and SIGKILL.</summary>
    private static readonly TimeSpan LongestGrace = TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<ProcessControl, TimeSpan> Tracked = new();
    private static readonly Lazy<PosixSignalRegistration[]> Handlers = new(Register);
    private static int _ending;

    public static void Track(ProcessControl control, TimeSpan gracePeriod)
    {
        _ = Handlers.Value;
        Tracked[control] = gracePeriod;
        if (control.Exit.Status is not null)
        {
            Untrack(control); // it exited before it was tracked
        }
    }

    public static void Untrack(ProcessControl control) => Tracked.TryRemove(control, out _);

    /// <summary>
    /// Installs the exit and signal handlers now rather than at the first child. The runtime runs the
    /// handlers of a signal latest registration first, and stops at one that cancels the signal: a
    /// program that handles Ctrl-C itself (subproc) installs these first, so that its own handler runs
    /// before them, and, cancelling, decides alone what a Ctrl-C ends.
    /// </summary>
    public static void Install() => _ = Handlers.Value;

    /// <summary>SIGKILLs every tracked child's tree at once (a second interrupt's answer).</summary>
    public static void KillAll() => ProcessControl.SignalEach([.. Tracked.Keys], Signals.SIGKILL, tree: true);

    /// <summary>
    /// Ends every tracked child's tree. Blocks for at most the longest grace period (capped). Called
    /// again while that is under way (a second Ctrl-C), it SIGKILLs them at once.
    /// </summary>
    public static void EndAll()
    {
        KeyValuePair<ProcessControl, TimeSpan>[] tracked = Tracked.ToArray();
        ProcessControl[] children = [.. tracked.Select(entry => entry.Key)];
        if (Interlocked.Increment(ref _ending) > 1)
        {
            KillAll();
            return;
        }
        try
        {
            if (children.Length > 0)
            {
                TimeSpan grace = tracked.Max(entry => entry.Value);
                using Waiter waiter = Waiter.Blocking();
                Synchronously.Complete(TreeEnding.EndAsync(children, signal => ProcessControl.SignalEach(children, signal, tree: true),
                    grace < LongestGrace ? grace : LongestGrace, waiter, afterKill: TimeSpan.Zero));
            }
        }
        finally
        {
            Interlocked.Exchange(ref _ending, 0);
        }
    }

    private static PosixSignalRegistration[] Register()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => EndAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => EndAll();
        if (OperatingSystem.IsWindows())
        {
            return [];
        }
        // The handlers do not cancel the signal: the runtime's own handling (ending the process)
        // follows, with the children already ended.
        return [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => EndAll()))];
    }
}

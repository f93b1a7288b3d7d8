using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Subprocess.Native;

namespace Subprocess.Spawning;

/// <summary>
/// Every child that must not outlive this process: ended (SIGTERM to its process group if it leads
/// one, else to the child alone; a grace period; SIGKILL the same way) when the process exits
/// normally, on an unhandled exception, and on SIGINT, SIGTERM, SIGHUP or SIGQUIT. Detached children are not tracked. A SIGKILL to this process cannot be
/// caught, so nothing here runs then.
/// </summary>
internal static class LiveChildren
{
    /// <summary>Longest the exit handler waits for children between SIGTERM and SIGKILL.</summary>
    private static readonly TimeSpan LongestGrace = TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<ProcessControl, TimeSpan> Tracked = new();
    private static readonly Lazy<PosixSignalRegistration[]> Handlers = new(Install);
    private static int _ending;

    public static int Count => Tracked.Count;

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
    /// Ends every tracked child's tree. Blocks for at most the longest grace period (capped). Called
    /// again while that is under way (a second Ctrl-C), it SIGKILLs them at once.
    /// </summary>
    public static void EndAll()
    {
        if (Interlocked.Increment(ref _ending) > 1)
        {
            foreach ((ProcessControl control, _) in Tracked.ToArray())
            {
                control.Signal(Libc.SIGKILL, group: control.CanSignalTree);
            }
            return;
        }
        try
        {
            EndAllGracefully();
        }
        finally
        {
            Interlocked.Exchange(ref _ending, 0);
        }
    }

    private static void EndAllGracefully()
    {
        var children = Tracked.ToArray();
        if (children.Length == 0)
        {
            return;
        }
        foreach ((ProcessControl control, _) in children)
        {
            control.Signal(Libc.SIGTERM, group: control.CanSignalTree);
        }
        TimeSpan grace = children.Max(c => c.Value);
        DateTimeOffset deadline = DateTimeOffset.UtcNow + (grace < LongestGrace ? grace : LongestGrace);
        foreach ((ProcessControl control, _) in children)
        {
            TimeSpan left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero || !control.WaitForExit(left))
            {
                break;
            }
        }
        foreach ((ProcessControl control, _) in children)
        {
            control.Signal(Libc.SIGKILL, group: control.CanSignalTree);
        }
    }

    private static PosixSignalRegistration[] Install()
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

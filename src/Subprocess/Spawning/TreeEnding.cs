using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Spawning;

/// <summary>
/// The one way children are ended, for a timeout, a cancellation, a dispose, an output overflow or
/// this process's exit: SIGTERM (and SIGCONT, for one that is stopped), up to the grace period for
/// them to exit, then SIGKILL. SIGKILL is sent even when they exited in time, because a signal to a
/// group also reaches what they started. A child on a terminal of its own gets SIGHUP first, as when
/// its terminal closes (pexpect's <c>terminate</c> does the same): an interactive shell ignores SIGTERM
/// but passes a hang-up on to its jobs, which each lead a group of their own that no group signal of
/// ours reaches.
/// </summary>
internal static class TreeEnding
{
    /// <param name="children">The children whose exits end the waits.</param>
    /// <param name="signal">Sends a signal wherever ending them means (their group, each of them);
    /// returns whether anything was signalled.</param>
    /// <param name="grace">Time between SIGTERM and SIGKILL; zero sends SIGKILL at once.</param>
    /// <param name="waiter">How the call waits.</param>
    /// <param name="afterKill">How long to wait for the exits after SIGKILL (null: until they come).</param>
    public static async ValueTask EndAsync(IReadOnlyList<IExitSource> children, Func<int, bool> signal, TimeSpan grace,
        Waiter waiter, TimeSpan? afterKill = null)
    {
        bool hangUp = children.Any(child => child is ProcessControl { HasTerminal: true });
        if (grace > TimeSpan.Zero && (hangUp ? signal(Signals.SIGHUP) | signal(Signals.SIGTERM) : signal(Signals.SIGTERM)))
        {
            // A stopped process (Ctrl-Z, or SIGTTIN from reading a terminal it does not own) holds
            // SIGTERM pending: continued, it gets it at once instead of waiting out the grace period.
            signal(Signals.SIGCONT);
            await waiter.WaitExitedAsync(children, grace, default).ConfigureAwait(false);
        }
        signal(Signals.SIGKILL);
        await waiter.WaitExitedAsync(children, afterKill, default).ConfigureAwait(false);
    }
}

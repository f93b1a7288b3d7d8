using Microsoft.Win32.SafeHandles;
using Subprocess.Native;

namespace Subprocess.Waiting;

/// <summary>
/// One wait, on the shared <see cref="EventLoop"/>, for a non-blocking descriptor to become readable
/// or writable: what lets a read of a terminal be cancelled, where a thread blocked in <c>read(2)</c>
/// could not be.
/// </summary>
internal sealed class Readiness : IReadyHandler
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Readiness()
    {
    }

    /// <summary>Completes when <paramref name="fd"/> reports one of <paramref name="events"/> (or a hang-up
    /// or error, which the next read or write reports).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="fd"/> is closed.</exception>
    public static async Task WaitAsync(SafeFileHandle fd, uint events, CancellationToken cancellationToken)
    {
        EventLoop loop = EventLoop.Shared;
        var readiness = new Readiness();
        ulong token = loop.NewToken();
        bool held = false;
        // Held open while its number is watched, so the number cannot come to name another file meanwhile.
        fd.DangerousAddRef(ref held);
        int number = (int)fd.DangerousGetHandle();
        try
        {
            // One-shot: level-triggered, the loop would report the descriptor again and again until
            // the waiting task, on another thread, got round to unregistering it.
            loop.Register(number, events | Libc.EPOLLONESHOT, readiness, token);
            try
            {
                await readiness._ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                loop.Unregister(number, token);
            }
        }
        finally
        {
            fd.DangerousRelease();
        }
    }

    /// <summary>Blocks the calling thread until <paramref name="fd"/> reports one of <paramref name="events"/>
    /// (poll's POLLIN or POLLOUT), or a hang-up or error, or <paramref name="stop"/> is cancelled (looked at
    /// every 100 ms: nothing else wakes a poll whose descriptor another thread means to close).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> was cancelled first.</exception>
    public static void Wait(SafeFileHandle fd, short events, CancellationToken stop)
    {
        bool held = false;
        fd.DangerousAddRef(ref held);
        try
        {
            Span<Libc.PollFd> watched = [new Libc.PollFd { Fd = (int)fd.DangerousGetHandle(), Events = events }];
            while (PollFds.Wait(watched, 100) == 0)
            {
                stop.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            fd.DangerousRelease();
        }
    }

    /// <summary>Whether <paramref name="fd"/> reports a hang-up now (a terminal's master: nothing holds its slave).</summary>
    public static bool HungUp(SafeFileHandle fd)
    {
        bool held = false;
        fd.DangerousAddRef(ref held);
        try
        {
            Span<Libc.PollFd> watched = [new Libc.PollFd { Fd = (int)fd.DangerousGetHandle() }];
            return PollFds.Wait(watched, 0) > 0 && (watched[0].Revents & Libc.POLLHUP) != 0;
        }
        finally
        {
            fd.DangerousRelease();
        }
    }

    public void OnReady(uint events) => _ready.TrySetResult();
}

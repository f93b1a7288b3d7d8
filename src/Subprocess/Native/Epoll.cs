using System.Runtime.CompilerServices;

namespace Subprocess.Native;

/// <summary>A thin epoll instance: add and remove descriptors under a 64-bit token, wait for events.
/// It reads and writes <c>struct epoll_event</c> at this architecture's offsets (<see cref="NativeLayout"/>).</summary>
internal sealed unsafe class Epoll
{
    private readonly int _fd;

    /// <exception cref="PlatformNotSupportedException">This architecture's <c>epoll_event</c> is not known (<see cref="NativeLayout"/>).</exception>
    public Epoll()
    {
        if (!NativeLayout.IsKnown)
        {
            throw new PlatformNotSupportedException("The native layer does not know this platform's struct epoll_event; use the portable spawner.");
        }
        _fd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (_fd < 0)
        {
            throw Errno.LastFailure("epoll_create1");
        }
    }

    /// <summary>One descriptor found ready: the events it has and the token it was added under.</summary>
    public readonly record struct Ready(uint Events, ulong Token);

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (level-triggered).</summary>
    public void Add(int fd, uint events, ulong token)
    {
        byte* ev = stackalloc byte[NativeLayout.EpollEventSize];
        *(uint*)ev = events;
        Unsafe.WriteUnaligned(ev + NativeLayout.EpollDataOffset, token);
        if (Libc.epoll_ctl(_fd, Libc.EPOLL_CTL_ADD, fd, ev) < 0)
        {
            throw Errno.LastFailure("epoll_ctl(ADD)");
        }
    }

    /// <summary>Stops watching <paramref name="fd"/>; must come before the descriptor is closed.</summary>
    public void Remove(int fd)
    {
        // No event: only kernels before 2.6.9 wanted one for EPOLL_CTL_DEL, and pidfds need 5.3.
        _ = Libc.epoll_ctl(_fd, Libc.EPOLL_CTL_DEL, fd, null);
    }

    /// <summary>Blocks until at least one event, for at most <paramref name="milliseconds"/> (-1: no
    /// limit); returns how many were written to <paramref name="ready"/> (0 when the time ran out).</summary>
    public int Wait(Span<Ready> ready, int milliseconds = -1)
    {
        int size = NativeLayout.EpollEventSize;
        byte* raw = stackalloc byte[ready.Length * size];
        while (true)
        {
            int n = Libc.epoll_wait(_fd, raw, ready.Length, milliseconds);
            if (n >= 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte* ev = raw + (i * size);
                    ready[i] = new Ready(*(uint*)ev, Unsafe.ReadUnaligned<ulong>(ev + NativeLayout.EpollDataOffset));
                }
                return n;
            }
            if (Errno.Last != Errno.EINTR)
            {
                throw Errno.LastFailure("epoll_wait");
            }
        }
    }
}

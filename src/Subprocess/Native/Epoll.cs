namespace Subprocess.Native;

/// <summary>A thin epoll instance: add and remove descriptors under a 64-bit token, wait for events.</summary>
internal sealed unsafe class Epoll
{
    private readonly int _fd;

    public Epoll()
    {
        _fd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (_fd < 0)
        {
            throw Errno.LastFailure("epoll_create1");
        }
    }

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (level-triggered).</summary>
    public void Add(int fd, uint events, ulong token)
    {
        var ev = new Libc.EpollEvent { Events = events, Data = token };
        if (Libc.epoll_ctl(_fd, Libc.EPOLL_CTL_ADD, fd, &ev) < 0)
        {
            throw Errno.LastFailure("epoll_ctl(ADD)");
        }
    }

    /// <summary>Stops watching <paramref name="fd"/>; must come before the descriptor is closed.</summary>
    public void Remove(int fd)
    {
        var ev = default(Libc.EpollEvent);
        _ = Libc.epoll_ctl(_fd, Libc.EPOLL_CTL_DEL, fd, &ev);
    }

    /// <summary>Blocks until at least one event; returns how many were written to <paramref name="events"/>.</summary>
    public int Wait(Span<Libc.EpollEvent> events)
    {
        fixed (Libc.EpollEvent* p = events)
        {
            while (true)
            {
                int n = Libc.epoll_wait(_fd, p, events.Length, -1);
                if (n >= 0)
                {
                    return n;
                }
                if (Errno.Last != Errno.EINTR)
                {
                    throw Errno.LastFailure("epoll_wait");
                }
            }
        }
    }
}

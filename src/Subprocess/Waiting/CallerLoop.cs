using System.Runtime.InteropServices;
using Subprocess.Native;

namespace Subprocess.Waiting;

/// <summary>
/// A <c>poll(2)</c> loop that a blocking call (<c>Run</c>, <c>Capture</c>, <c>Communicate</c>, <c>Wait</c>) runs on its own thread, as Python's communicate does:
/// the pumps of its communication and the exits of its children are watched right here. On the shared
/// <see cref="EventLoop"/> the same work costs an <c>epoll_ctl</c> pair per descriptor and a hand-off
/// between threads for every read and for the exit (the loop wakes, reads, wakes the caller), which is
/// most of what a short capture costs.
/// </summary>
/// <remarks>
/// Only the calling thread runs the loop, inside <see cref="RunUntil"/> and <see cref="RunUntilExited"/>.
/// When the call ends with pumps still registered (a timeout that leaves the child running, as in
/// Python), <see cref="Dispose"/> moves them to the shared loop, which carries them on as if they had
/// been there from the start: a later <c>Communicate</c> that resumes sees them finish.
/// </remarks>
internal sealed class CallerLoop : IReadyLoop, IDisposable
{
    private static readonly IReadOnlyList<IExitSource> None = [];
    private readonly Lock _gate = new();
    private readonly List<Registration> _registrations = [];

    /// <summary>Our tokens of the registrations handed off, mapped to the shared loop's.</summary>
    private readonly Dictionary<ulong, ulong> _handedOff = [];
    private IReadOnlyList<IExitSource> _watched = None;
    private Action? _onExit;
    private ulong _lastToken;
    private bool _isHandedOff;

    // Reused between rounds: one entry per registration, then one per child whose exit is awaited.
    private Libc.PollFd[] _fds = [];
    private Registration[] _round = [];
    private IExitSource?[] _waiting = [];

    public ulong NewToken()
    {
        lock (_gate)
        {
            return ++_lastToken;
        }
    }

    public void Register(int fd, uint events, IReadyHandler handler, ulong token)
    {
        lock (_gate)
        {
            if (_isHandedOff)
            {
                HandTo(fd, events, handler, token);
            }
            else
            {
                _registrations.Add(new Registration(fd, events, token, handler));
            }
        }
    }

    public void Unregister(int fd, ulong token)
    {
        lock (_gate)
        {
            if (_handedOff.Remove(token, out ulong shared))
            {
                EventLoop.Shared.Unregister(fd, shared);
            }
            else
            {
                _registrations.RemoveAll(registration => registration.Token == token);
            }
        }
    }

    /// <summary>Has the loop reap <paramref name="children"/> as they exit and call <paramref name="onExit"/>
    /// once all have, while it runs; calls it at once if they already have.</summary>
    public void WatchExit(IReadOnlyList<IExitSource> children, Action onExit)
    {
        if (AllExited(children))
        {
            onExit();
        }
        else
        {
            (_watched, _onExit) = (children, onExit);
        }
    }

    /// <summary>Runs the pumps and the exit watch on this thread until <paramref name="gate"/> opens or
    /// <paramref name="timeout"/> passes (null: no limit); false if the timeout passed first. With nothing
    /// to watch here, whatever opens the gate happens on another thread: then this blocks on its event.</summary>
    public bool RunUntil(Gate gate, TimeSpan? timeout) => Run(gate, None, timeout);

    /// <summary>Runs the loop, watching the pidfds of <paramref name="children"/> too, until all have exited
    /// (reaped here) or <paramref name="timeout"/> passes; false if it passed first.</summary>
    public bool RunUntilExited(IReadOnlyList<IExitSource> children, TimeSpan? timeout) => Run(null, children, timeout);

    /// <summary>The loop: until <paramref name="gate"/> opens, or, without one, until <paramref name="awaited"/> have exited.</summary>
    private bool Run(Gate? gate, IReadOnlyList<IExitSource> awaited, TimeSpan? timeout)
    {
        PollDeadline deadline = PollDeadline.After(timeout);
        while (!Done(gate, awaited))
        {
            int wait = deadline.Remaining;
            (int pipes, int count) = Fill(awaited);
            if (count == 0)
            {
                return gate?.Wait(wait < 0 ? null : TimeSpan.FromMilliseconds(wait)) ?? Done(gate, awaited);
            }
            int ready;
            try
            {
                ready = PollFds.Wait(_fds.AsSpan(0, count), wait);
            }
            finally
            {
                ReleaseHeld(count - pipes);
            }
            if (ready == 0 && wait >= 0)
            {
                return Done(gate, awaited);
            }
            Dispatch(pipes, count);
            // A pipe that is readable at every look (a holder that never stops writing) would
            // otherwise keep this loop past its deadline: the drain's bound is on total time.
            if (deadline.HasPassed)
            {
                return Done(gate, awaited);
            }
        }
        return true;
    }

    /// <summary>Whether the caller's wait is over, once the exit watch has had its say: it is checked before
    /// every look, not only after a round, because a child reaped by another thread (the shared loop)
    /// between rounds is no longer polled, and a grandchild silently holding the pipes would otherwise
    /// keep the next round waiting past the exit.</summary>
    private bool Done(Gate? gate, IReadOnlyList<IExitSource> awaited)
    {
        if (_onExit is Action onExit && AllExited(_watched))
        {
            _onExit = null;
            onExit();
        }
        return gate?.IsOpen ?? AllExited(awaited);
    }

    /// <summary>Moves whatever is still registered to the shared loop and stops watching exits here;
    /// from then on this loop only forwards. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_isHandedOff)
            {
                return;
            }
            _isHandedOff = true;
            _onExit = null;
            foreach (Registration registration in _registrations)
            {
                HandTo(registration.Fd, registration.Events, registration.Handler, registration.Token);
            }
            _registrations.Clear();
        }
    }

    /// <summary>Registers with the shared loop under a token of its own, mapped from ours first (we hold
    /// the lock, so a handler finishing on its first event there unregisters through the mapping).</summary>
    private void HandTo(int fd, uint events, IReadyHandler handler, ulong token)
    {
        ulong shared = EventLoop.Shared.NewToken();
        _handedOff[token] = shared;
        EventLoop.Shared.Register(fd, events, handler, shared);
    }

    /// <summary>Lays out this round's descriptors: the registered pipes, then the pidfds of the children
    /// still running whose exit is awaited, each held open for the round.</summary>
    private (int Pipes, int Count) Fill(IReadOnlyList<IExitSource> awaited)
    {
        int pipes;
        lock (_gate)
        {
            pipes = _registrations.Count;
            int most = pipes + awaited.Count + (_onExit is null ? 0 : _watched.Count);
            if (_fds.Length < most)
            {
                _fds = new Libc.PollFd[most];
                _round = new Registration[most];
                _waiting = new IExitSource?[most];
            }
            for (int i = 0; i < pipes; i++)
            {
                Registration registration = _registrations[i];
                _round[i] = registration;
                // epoll's EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP have poll's values, so pumps read either alike.
                _fds[i] = new Libc.PollFd { Fd = registration.Fd, Events = (short)registration.Events };
            }
        }
        int count = AddExits(awaited, pipes, pipes);
        return (pipes, _onExit is null ? count : AddExits(_watched, pipes, count));
    }

    /// <summary>Adds the pidfds of those of <paramref name="children"/> still running and not added yet,
    /// from <paramref name="count"/> on; returns the new count. (Indexed, not enumerated: this runs every round.)</summary>
    private int AddExits(IReadOnlyList<IExitSource> children, int pipes, int count)
    {
        for (int i = 0; i < children.Count; i++)
        {
            IExitSource child = children[i];
            if (child.Exit.Status is null && Array.IndexOf(_waiting, child, 0, count - pipes) < 0 && Hold(child.ExitDescriptor!))
            {
                _waiting[count - pipes] = child;
                _fds[count++] = new Libc.PollFd { Fd = (int)child.ExitDescriptor!.DangerousGetHandle(), Events = Libc.POLLIN };
            }
        }
        return count;
    }

    private static bool Hold(SafeHandle pidfd)
    {
        bool added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            // Reaped and closed by the shared loop since we looked: its exit is known, nothing to wait for.
        }
        return added;
    }

    private void ReleaseHeld(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _waiting[i]!.ExitDescriptor!.DangerousRelease();
        }
    }

    private void Dispatch(int pipes, int count)
    {
        for (int i = 0; i < pipes; i++)
        {
            // A pump finished earlier in this round is gone, and its descriptor may already be closed.
            if (_fds[i].Revents != 0 && IsRegistered(_round[i].Token))
            {
                _round[i].Handler.OnReady((ushort)_fds[i].Revents);
            }
            _round[i] = default;
        }
        for (int i = pipes; i < count; i++)
        {
            // Only a pidfd that polled readable has an exit to reap; polling the others would be a wasted waitid.
            if (_fds[i].Revents != 0)
            {
                _waiting[i - pipes]!.Poll();
            }
            _waiting[i - pipes] = null;
        }
    }

    private static bool AllExited(IReadOnlyList<IExitSource> children)
    {
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].Exit.Status is null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether pumps wait here: a wait for exits alone needs no loop.</summary>
    public bool HasPumps
    {
        get
        {
            lock (_gate)
            {
                return _registrations.Count > 0;
            }
        }
    }

    private bool IsRegistered(ulong token)
    {
        lock (_gate)
        {
            return _registrations.Exists(registration => registration.Token == token);
        }
    }

    private readonly record struct Registration(int Fd, uint Events, ulong Token, IReadyHandler Handler);
}

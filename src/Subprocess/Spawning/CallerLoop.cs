using System.Runtime.InteropServices;
using Subprocess.Native;

namespace Subprocess.Spawning;

/// <summary>
/// A <c>poll(2)</c> loop that a synchronous <c>Communicate</c> runs on its own thread, as Python's
/// communicate does: the pumps of one communication and the exits of its processes are watched right
/// here. On the shared <see cref="EventLoop"/> the same work costs an <c>epoll_ctl</c> pair per
/// descriptor and a hand-off between threads for every read and for the exit (the loop wakes, reads,
/// wakes the caller, who has spun meanwhile), which is most of what a short capture costs.
/// </summary>
/// <remarks>
/// Only the calling thread runs the loop, inside <see cref="RunUntil"/>. When it stops before the
/// pumps are done (a timeout, an overflow, an error), <see cref="HandOff"/> moves them to the shared
/// loop, which carries them on as if they had been there from the start: the drain after the tree is
/// ended, or a later <c>Communicate</c> that resumes, sees them finish.
/// </remarks>
internal sealed class CallerLoop : IReadyLoop, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Registration> _registrations = [];

    /// <summary>Our tokens of the registrations handed off, mapped to the shared loop's.</summary>
    private readonly Dictionary<ulong, ulong> _handedOff = [];
    private readonly ProcessControl[] _processes;
    private Action? _onExit;
    private ulong _lastToken;
    private bool _isHandedOff;

    // Reused between rounds: one entry per registration, then one per process whose exit is awaited.
    private Libc.PollFd[] _fds = [];
    private Registration[] _round = [];
    private readonly ProcessControl?[] _waiting;

    private CallerLoop(ProcessControl[] processes) => (_processes, _waiting) = (processes, new ProcessControl?[processes.Length]);

    /// <summary>A loop that can watch the exits of <paramref name="processes"/>, or null if one of them has
    /// no descriptor to poll for it (a child of the portable spawner).</summary>
    public static CallerLoop? TryCreate(params ProcessControl[] processes) =>
        Array.TrueForAll(processes, process => process.ExitDescriptor is not null) ? new CallerLoop(processes) : null;

    public ulong Register(int fd, uint events, IReadyHandler handler)
    {
        lock (_gate)
        {
            ulong token = ++_lastToken;
            if (_isHandedOff)
            {
                _handedOff[token] = EventLoop.Shared.Register(fd, events, handler);
            }
            else
            {
                _registrations.Add(new Registration(fd, events, token, handler));
            }
            return token;
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

    /// <summary>Has <see cref="RunUntil"/> reap the processes as they exit and call <paramref name="onExit"/>
    /// once all have; calls it at once if they already have.</summary>
    public void WatchExit(Action onExit)
    {
        if (AllExited)
        {
            onExit();
        }
        else
        {
            _onExit = onExit;
        }
    }

    private bool AllExited => Array.TrueForAll(_processes, process => process.Exit.Status is not null);

    /// <summary>Runs the pumps and the exit watch on this thread until <paramref name="gate"/> opens or
    /// <paramref name="timeout"/> passes (null: no limit); false if the timeout passed first.</summary>
    public bool RunUntil(Gate gate, TimeSpan? timeout)
    {
        PollDeadline deadline = PollDeadline.After(timeout);
        while (!gate.IsOpen)
        {
            int wait = deadline.Remaining;
            (int pipes, int count) = Fill();
            if (count == 0)
            {
                // Nothing left to watch here: whatever opens the gate happens elsewhere.
                return Synchronously.Result(gate.WaitAsync(wait < 0 ? null : TimeSpan.FromMilliseconds(wait), synchronous: true, default));
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
                return gate.IsOpen;
            }
            Dispatch(pipes, count);
            // A pipe that is readable at every look (a holder that never stops writing) would
            // otherwise keep this loop past its deadline: the drain's bound is on total time.
            if (deadline.HasPassed)
            {
                return gate.IsOpen;
            }
        }
        return true;
    }

    /// <summary>Moves whatever is still registered to the shared loop and stops watching exits here;
    /// from then on this loop only forwards. Idempotent.</summary>
    public void HandOff()
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
                _handedOff[registration.Token] = EventLoop.Shared.Register(registration.Fd, registration.Events, registration.Handler);
            }
            _registrations.Clear();
        }
    }

    public void Dispose() => HandOff();

    /// <summary>Lays out this round's descriptors: the registered pipes, then the pidfds of the processes
    /// still running while an exit is awaited, each held open for the round.</summary>
    private (int Pipes, int Count) Fill()
    {
        int pipes;
        lock (_gate)
        {
            pipes = _registrations.Count;
            int most = pipes + _processes.Length;
            if (_fds.Length < most)
            {
                _fds = new Libc.PollFd[most];
                _round = new Registration[most];
            }
            for (int i = 0; i < pipes; i++)
            {
                Registration registration = _registrations[i];
                _round[i] = registration;
                // epoll's EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP have poll's values, so pumps read either alike.
                _fds[i] = new Libc.PollFd { Fd = registration.Fd, Events = (short)registration.Events };
            }
        }
        int count = pipes;
        if (_onExit is not null)
        {
            foreach (ProcessControl process in _processes)
            {
                if (process.Exit.Status is null && Hold(process.ExitDescriptor!))
                {
                    _waiting[count - pipes] = process;
                    _fds[count++] = new Libc.PollFd { Fd = (int)process.ExitDescriptor!.DangerousGetHandle(), Events = Libc.POLLIN };
                }
            }
        }
        return (pipes, count);
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
        if (_onExit is Action onExit && AllExited)
        {
            _onExit = null;
            onExit();
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

using System.Runtime.InteropServices;
using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Spawning;

/// <summary>A child spawned by <see cref="LinuxSpawner"/>, held by its pidfd and reaped by the event loop.</summary>
internal sealed class LinuxProcessControl : ProcessControl, IReadyHandler
{
    private readonly SafePidfdHandle _pidfd;
    private readonly object _reapLock = new();
    private ulong _token;
    private bool _closeWhenReaped;

    public LinuxProcessControl(int pid, SafePidfdHandle pidfd, int groupId, bool deferReaping) : base(pid, groupId)
    {
        _pidfd = pidfd;
        if (!deferReaping)
        {
            StartReaping();
        }
    }

    public override SafeHandle ExitDescriptor => _pidfd;

    public override void StartReaping()
    {
        lock (_reapLock)
        {
            // A pidfd becomes readable when the process exits; level-triggered, so an exit before
            // this registration is still reported.
            if (_token == 0 && Exit.Status is null && !_pidfd.IsClosed)
            {
                _token = EventLoop.Shared.NewToken();
                EventLoop.Shared.Register(_pidfd.Fd, Libc.EPOLLIN, this, _token);
            }
        }
    }

    public override ExitStatus? Poll()
    {
        lock (_reapLock)
        {
            if (Exit.Status is ExitStatus done)
            {
                return done;
            }
            ExitStatus? status = Pidfd.TryReap(_pidfd);
            if (status is ExitStatus exited)
            {
                if (_token != 0)
                {
                    EventLoop.Shared.Unregister(_pidfd.Fd, _token);
                    _token = 0;
                }
                Completed(exited);
                if (_closeWhenReaped)
                {
                    _pidfd.Dispose();
                }
            }
            return status;
        }
    }

    public override bool WaitForExit(TimeSpan? timeout)
    {
        if (Exit.Status is not null)
        {
            return true;
        }
        lock (_reapLock)
        {
            if (_pidfd.IsClosed)
            {
                return Exit.Status is not null;
            }
        }
        // Readable means exited; reaping is whoever gets the lock first, this thread or the loop.
        // Where the kernel reaps (SIGCHLD ignored), it wakes pidfd pollers a moment before it has
        // recorded the exit for PIDFD_INFO_EXIT, so Poll() can still find nothing: try again
        // (the pidfd stays readable, so this only spins through that moment) until the deadline.
        PollDeadline deadline = PollDeadline.After(timeout);
        while (Pidfd.WaitReadable(_pidfd, deadline.Remaining))
        {
            if (Poll() is not null || Exit.Status is not null)
            {
                return true;
            }
            if (deadline.HasPassed)
            {
                break;
            }
            Thread.Yield();
        }
        return Exit.Status is not null;
    }

    void IReadyHandler.OnReady(uint events)
    {
        try
        {
            Poll();
        }
        catch (IOException)
        {
            // Only the ECHILD fallback can fail here (kernel older than 6.15 and someone else reaped
            // the child); the waiters then never learn a status, which the exception text explains
            // to whoever polls next.
            lock (_reapLock)
            {
                EventLoop.Shared.Unregister(_pidfd.Fd, _token);
            }
        }
    }

    public override bool Signal(int signal, bool group)
    {
        if (group && GroupId != 0)
        {
            // Even after the leader is reaped, its group ID cannot be reused while any member lives,
            // so this reaches only the child's own tree.
            return Pidfd.SignalGroup(GroupId, signal);
        }
        lock (_reapLock)
        {
            // Once reaped, the PID may belong to someone else; the pidfd would refuse (ESRCH) anyway.
            return Exit.Status is null && Pidfd.SendSignal(_pidfd, signal);
        }
    }

    public override void Dispose()
    {
        lock (_reapLock)
        {
            if (Exit.Status is null && !_pidfd.IsClosed)
            {
                // Still running (a detached child, or one whose reaping was deferred): the event
                // loop reaps it later, then closes the pidfd, so it never lingers as a zombie.
                StartReaping();
                _closeWhenReaped = true;
                return;
            }
            if (_token != 0)
            {
                EventLoop.Shared.Unregister(_pidfd.Fd, _token);
                _token = 0;
            }
            _pidfd.Dispose();
        }
    }
}

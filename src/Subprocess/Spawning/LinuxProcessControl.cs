using System.Runtime.InteropServices;
using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Spawning;

/// <summary>
/// A child spawned by <see cref="LinuxSpawner"/>, held by its pidfd and reaped by the event loop. A child
/// in a process group of ours is reaped only when the control is released; until then its exit is read
/// with <c>WNOWAIT</c>, so its group can be signalled safely for as long as the handle lives.
/// </summary>
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
            // A child in a group of ours stays a zombie until released: its unreaped PID keeps the
            // group's ID from being reused, so signalling the group cannot reach a stranger.
            ExitStatus? status = Pidfd.TryWait(_pidfd, leaveZombie: GroupId != 0 && !_closeWhenReaped, out bool zombieLeft);
            if (status is ExitStatus exited)
            {
                _pidfd.HoldsZombie = zombieLeft;
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
        lock (_reapLock)
        {
            if (group && GroupId != 0)
            {
                // A group's ID cannot be reused while one of its members is unreaped: this child running,
                // or its zombie, held until the control is released. After that, the ID may name a
                // stranger's group, so nothing is sent.
                if (_pidfd.IsClosed || (Exit.Status is not null && !(_pidfd.HoldsZombie && Pidfd.ZombieRemains(_pidfd))))
                {
                    return false;
                }
                // No such group while the leader runs: it has not made it yet. posix_spawn returns after
                // the child's exec, and so after its setpgid, only where the clone shares memory (vfork);
                // an emulator that runs it as a fork (qemu-user) returns at once. The leader, signals
                // blocked until its exec, gets the signal then.
                return Pidfd.SignalGroup(GroupId, signal) || (Exit.Status is null && Pidfd.SendSignal(_pidfd, signal));
            }
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
            // Closing the pidfd reaps the zombie left for the group's sake (SafePidfdHandle.HoldsZombie).
            _pidfd.Dispose();
        }
    }
}

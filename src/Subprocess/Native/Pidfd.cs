namespace Subprocess.Native;

/// <summary>pidfd operations: open, signal, reap, and the exit-status fallback.</summary>
internal static unsafe class Pidfd
{
    /// <summary><c>pidfd_open(pid, 0)</c>; the descriptor is close-on-exec. Null when it fails, with
    /// the <paramref name="errno"/> (EMFILE with the descriptor table full, say).</summary>
    public static SafePidfdHandle? TryOpen(int pid, out int errno)
    {
        long fd = Libc.syscall(Libc.SYS_pidfd_open, pid, 0, 0, 0);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafePidfdHandle((int)fd);
    }

    /// <summary>
    /// Ends and reaps a child of ours that could not be held by a pidfd, so a start that failed half way
    /// leaves nothing running and no zombie. Its PID is safe to use: an unreaped child's PID is not
    /// recycled, and this waits for that one child, never for any (<c>waitpid(-1)</c> would steal the
    /// runtime's own children).
    /// </summary>
    public static void KillAndReap(int pid)
    {
        _ = Libc.kill(pid, Signals.SIGKILL);
        while (Libc.waitpid(pid, null, 0) < 0 && Errno.Last == Errno.EINTR)
        {
        }
    }

    /// <summary>Sends <paramref name="signal"/> through the pidfd. Returns false if the process has
    /// already exited (ESRCH), which is not an error for callers.</summary>
    public static bool SendSignal(SafePidfdHandle pidfd, int signal)
    {
        bool added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            long rc = Libc.syscall(Libc.SYS_pidfd_send_signal, pidfd.Fd, signal, 0, 0);
            if (rc == 0)
            {
                return true;
            }
            int errno = Errno.Last;
            return errno == Errno.ESRCH ? false : throw Errno.Failure("pidfd_send_signal", errno);
        }
        finally
        {
            if (added)
            {
                pidfd.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// <c>waitid(P_PIDFD, WEXITED | WNOHANG)</c>: the exit status if the process has exited, null while
    /// it runs. With <paramref name="leaveZombie"/> (<c>WNOWAIT</c>) the exited process stays a zombie,
    /// which keeps its PID, and so the group it leads, from being reused; <paramref name="zombieLeft"/>
    /// says whether one was left. If someone else reaped it first (ECHILD: the app runs as PID 1, or
    /// SIGCHLD is ignored), the status is read back through <c>PIDFD_GET_INFO</c> and no zombie is left.
    /// </summary>
    public static ExitStatus? TryWait(SafePidfdHandle pidfd, bool leaveZombie, out bool zombieLeft)
    {
        zombieLeft = false;
        byte* info = stackalloc byte[SizeOfSiginfo];
        int rc = WaitId(pidfd.Fd, Libc.WNOHANG | (leaveZombie ? Libc.WNOWAIT : 0), info);
        if (rc < 0)
        {
            int errno = Errno.Last;
            return errno == Errno.ECHILD ? ReadExitInfo(pidfd) : throw Errno.Failure("waitid", errno);
        }
        if (ExitedPid(info) == 0)
        {
            return null;
        }
        zombieLeft = leaveZombie;
        int code = *(int*)(info + SiginfoCodeOffset);
        int status = *(int*)(info + SiginfoStatusOffset);
        return code == Libc.CLD_EXITED ? ExitStatus.Exited(status) : ExitStatus.Killed(status);
    }

    /// <summary>Whether the zombie <see cref="TryWait"/> left is still there: something else may have
    /// reaped it since (a runtime that reaps every child where SIGCHLD is ignored).</summary>
    public static bool ZombieRemains(SafePidfdHandle pidfd)
    {
        byte* info = stackalloc byte[SizeOfSiginfo];
        return WaitId(pidfd.Fd, Libc.WNOHANG | Libc.WNOWAIT, info) == 0 && ExitedPid(info) != 0;
    }

    /// <summary>Reaps the zombie <see cref="TryWait"/> left, if it is still there; never blocks.</summary>
    public static void ReapZombie(int pidfd)
    {
        byte* info = stackalloc byte[SizeOfSiginfo];
        _ = WaitId(pidfd, Libc.WNOHANG, info);
    }

    // siginfo_t, the same on x86-64 and arm64 glibc (scripts/abi-probe.c): 128 bytes, si_code at 8,
    // and for SIGCHLD si_pid at 16 and si_status at 24.
    internal const int SizeOfSiginfo = 128;
    internal const int SiginfoCodeOffset = 8;
    internal const int SiginfoPidOffset = 16;
    internal const int SiginfoStatusOffset = 24;

    /// <summary><c>waitid(P_PIDFD, WEXITED | <paramref name="options"/>)</c> into a cleared
    /// <paramref name="info"/>, again when a signal interrupts it; the result as waitid's (errno set).</summary>
    private static int WaitId(int pidfd, int options, byte* info)
    {
        new Span<byte>(info, SizeOfSiginfo).Clear();
        int rc;
        do
        {
            rc = Libc.waitid(Libc.P_PIDFD, pidfd, info, Libc.WEXITED | options);
        }
        while (rc < 0 && Errno.Last == Errno.EINTR);
        return rc;
    }

    /// <summary>si_pid of a siginfo_t: 0 when WNOHANG found nothing exited.</summary>
    private static int ExitedPid(byte* info) => *(int*)(info + SiginfoPidOffset);

    /// <summary>
    /// Reads the exit status of an already-reaped process (kernel 6.15+). On older kernels, or if
    /// the process has not exited, returns null; the caller then waits for the pidfd again.
    /// </summary>
    private static ExitStatus? ReadExitInfo(SafePidfdHandle pidfd)
    {
        ExitStatus? status = TryReadExitInfo(pidfd, out int errno);
        if (errno is 0 or Errno.ESRCH)
        {
            // ESRCH: where the kernel reaps, it lets waitid say ECHILD a moment before it has recorded
            // the exit for PIDFD_INFO_EXIT (seen 1 run in 30 of 3,000 spawns): not yet known, so
            // the caller looks again, and the pidfd, readable, brings it back at once.
            return status;
        }
        throw new IOException(
            "The child was reaped by someone else (waitid: ECHILD) and this kernel cannot report its " +
            $"exit status through PIDFD_GET_INFO (kernel 6.15+): {Errno.Describe(errno)}. " +
            "This happens when the app runs as PID 1 without an init or ignores SIGCHLD.");
    }

    /// <summary>
    /// The exit status the kernel recorded when the process was reaped, by whoever reaped it
    /// (<c>PIDFD_GET_INFO</c> with <c>PIDFD_INFO_EXIT</c>, kernel 6.15+): a wait status, so a death by
    /// signal N is told apart from an exit with code 128+N. Null while nothing is recorded (running, or
    /// not yet reaped: <paramref name="errno"/> 0 or ESRCH) or where the kernel cannot say
    /// (<paramref name="errno"/> set: older than 6.13, or the handle already closed: EBADF).
    /// </summary>
    public static ExitStatus? TryReadExitInfo(SafePidfdHandle pidfd, out int errno)
    {
        errno = 0;
        bool added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            // struct pidfd_info: mask at 0, exit_code (a wait status) at 60; 64 bytes in version 0,
            // the same on every architecture (fixed-size fields only).
            byte* buffer = stackalloc byte[64];
            new Span<byte>(buffer, 64).Clear();
            *(ulong*)buffer = Libc.PIDFD_INFO_EXIT;
            if (Libc.ioctl(pidfd.Fd, Libc.PIDFD_GET_INFO, buffer) < 0)
            {
                errno = Errno.Last;
                return null;
            }
            if ((*(ulong*)buffer & Libc.PIDFD_INFO_EXIT) == 0)
            {
                return null;
            }
            int waitStatus = *(int*)(buffer + 60);
            int termSignal = waitStatus & 0x7f;
            return termSignal == 0 ? ExitStatus.Exited((waitStatus >> 8) & 0xff) : ExitStatus.Killed(termSignal);
        }
        catch (ObjectDisposedException)
        {
            errno = Errno.EBADF;
            return null;
        }
        finally
        {
            if (added)
            {
                pidfd.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Blocks the calling thread until the process exits or <paramref name="milliseconds"/> pass
    /// (-1: forever). Returns whether it has exited. Waiting here rather than for the event loop
    /// to pass the news on saves a thread hand-off on every blocking wait.
    /// </summary>
    public static bool WaitReadable(SafePidfdHandle pidfd, int milliseconds)
    {
        bool added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            Span<Libc.PollFd> entry = [new Libc.PollFd { Fd = pidfd.Fd, Events = Libc.POLLIN }];
            return PollFds.Wait(entry, milliseconds) > 0;
        }
        finally
        {
            if (added)
            {
                pidfd.DangerousRelease();
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> to process group <paramref name="pgid"/>. A group
    /// ID cannot be reused while any member lives, so this reaches only our children's group.</summary>
    public static bool SignalGroup(int pgid, int signal)
    {
        if (Libc.kill(-pgid, signal) == 0)
        {
            return true;
        }
        int errno = Errno.Last;
        return errno is Errno.ESRCH or Errno.EPERM ? false : throw Errno.Failure("kill", errno);
    }
}

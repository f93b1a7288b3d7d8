using Microsoft.Win32.SafeHandles;

namespace Subprocess.Native;

/// <summary>
/// Pseudo-terminals: the master the parent keeps, the slave the child gets as its standard streams
/// (and, opened again by path in the child's new session, as its controlling terminal), and the
/// window size the kernel reports to the child.
/// </summary>
internal static unsafe class Pty
{
    /// <summary>A new pseudo-terminal of <paramref name="columns"/> by <paramref name="rows"/>: its master,
    /// close-on-exec and non-blocking, and its slave's path, NUL-terminated.</summary>
    public static (SafeFileHandle Master, byte[] SlavePath) Open(int columns, int rows)
    {
        // O_NOCTTY: were this process a session leader without a terminal, the master must not become its terminal.
        int fd = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (fd < 0)
        {
            throw Errno.LastFailure("posix_openpt");
        }
        var master = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Libc.grantpt(fd) != 0)
            {
                throw Errno.LastFailure("grantpt");
            }
            if (Libc.unlockpt(fd) != 0)
            {
                throw Errno.LastFailure("unlockpt");
            }
            byte[] path = new byte[128];
            fixed (byte* p = path)
            {
                int rc = Libc.ptsname_r(fd, p, (nuint)path.Length);
                if (rc != 0)
                {
                    throw Errno.Failure("ptsname_r", rc);
                }
            }
            Resize(master, columns, rows);
            return (master, path[..(Array.IndexOf(path, (byte)0) + 1)]);
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>The slave, opened by the parent for the child's standard streams. O_NOCTTY: it is the
    /// child's terminal, never this process's.</summary>
    public static SafeFileHandle OpenSlave(byte[] path)
    {
        int fd;
        fixed (byte* p = path)
        {
            fd = Libc.open(p, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        }
        return fd < 0 ? throw Errno.LastFailure("open (terminal)") : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>A second descriptor (close-on-exec) for the same open terminal: non-blocking with it.</summary>
    public static SafeFileHandle Duplicate(SafeFileHandle terminal)
    {
        bool held = false;
        try
        {
            terminal.DangerousAddRef(ref held);
            int fd = Libc.fcntl((int)terminal.DangerousGetHandle(), Libc.F_DUPFD_CLOEXEC, 3);
            return fd < 0 ? throw Errno.LastFailure("fcntl(F_DUPFD_CLOEXEC)") : new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (held)
            {
                terminal.DangerousRelease();
            }
        }
    }

    /// <summary>Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public static void Resize(SafeFileHandle terminal, int columns, int rows)
    {
        WindowSize size = new() { Rows = (ushort)rows, Columns = (ushort)columns };
        bool held = false;
        try
        {
            terminal.DangerousAddRef(ref held);
            if (Libc.ioctl((int)terminal.DangerousGetHandle(), Libc.TIOCSWINSZ, &size) != 0)
            {
                throw Errno.LastFailure("ioctl(TIOCSWINSZ)");
            }
        }
        finally
        {
            if (held)
            {
                terminal.DangerousRelease();
            }
        }
    }

    /// <summary>struct winsize.</summary>
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }
}

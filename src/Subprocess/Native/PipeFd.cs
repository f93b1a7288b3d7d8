using Microsoft.Win32.SafeHandles;

namespace Subprocess.Native;

/// <summary>Raw pipe operations: create, switch to non-blocking, read and write without blocking.</summary>
internal static unsafe class PipeFd
{
    /// <summary>The value <see cref="TryRead"/> and <see cref="TryWrite"/> return when the call would block.</summary>
    public const int WouldBlock = -1;

    /// <summary>A close-on-exec pipe: (read end, write end).</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Create()
    {
        int* fds = stackalloc int[2];
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) < 0)
        {
            throw Errno.LastFailure("pipe2");
        }
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>Asks for a larger kernel buffer (1 MiB) so bulk transfers take fewer wake-ups. Best effort:
    /// an unprivileged process is capped by /proc/sys/fs/pipe-max-size.</summary>
    public static void Enlarge(SafeFileHandle pipe) =>
        _ = Libc.fcntl((int)pipe.DangerousGetHandle(), Libc.F_SETPIPE_SZ, 1 << 20);

    /// <summary>Bytes read (0 at end of file), or <see cref="WouldBlock"/>.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="terminal">A pseudo-terminal's master, which answers EIO once the last holder of its
    /// slave has closed it, after everything written before: its end of file.</param>
    public static int TryRead(SafeFileHandle fd, Span<byte> buffer, bool terminal = false)
    {
        fixed (byte* p = buffer)
        {
            int n;
            while ((n = Outcome(Libc.read((int)fd.DangerousGetHandle(), p, buffer.Length), "read", terminal)) == Interrupted)
            {
            }
            return n;
        }
    }

    /// <summary>Bytes written, or <see cref="WouldBlock"/>. Throws <see cref="IOException"/> with
    /// HResult EPIPE when the reader has gone.</summary>
    public static int TryWrite(SafeFileHandle fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            int n;
            while ((n = Outcome(Libc.write((int)fd.DangerousGetHandle(), p, buffer.Length), "write")) == Interrupted)
            {
            }
            return n;
        }
    }

    private const int Interrupted = -2;

    /// <summary>A read or write result: the count, <see cref="WouldBlock"/>, <see cref="Interrupted"/> (try again), or an exception.</summary>
    private static int Outcome(nint result, string call, bool terminal = false)
    {
        if (result >= 0)
        {
            return (int)result;
        }
        int errno = Errno.Last;
        return errno switch
        {
            Errno.EAGAIN => WouldBlock,
            Errno.EINTR => Interrupted,
            Errno.EIO when terminal => 0,
            _ => throw Errno.Failure(call, errno),
        };
    }
}

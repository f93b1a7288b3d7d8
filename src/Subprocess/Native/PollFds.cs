namespace Subprocess.Native;

/// <summary><c>poll(2)</c>: the blocking wait of a thread that watches a few descriptors itself.</summary>
internal static unsafe class PollFds
{
    /// <summary>
    /// Waits until one of <paramref name="fds"/> is ready or <paramref name="milliseconds"/> pass
    /// (-1: forever); returns how many are ready (their <c>Revents</c> set), 0 on timeout. A signal
    /// interrupting the wait resumes it with the time that is left.
    /// </summary>
    public static int Wait(Span<Libc.PollFd> fds, int milliseconds)
    {
        PollDeadline deadline = PollDeadline.After(milliseconds);
        fixed (Libc.PollFd* p = fds)
        {
            while (true)
            {
                int rc = Libc.poll(p, (nuint)fds.Length, milliseconds);
                if (rc >= 0)
                {
                    return rc;
                }
                if (Errno.Last != Errno.EINTR)
                {
                    throw Errno.LastFailure("poll");
                }
                milliseconds = deadline.Remaining;
            }
        }
    }

    /// <summary>A timeout as poll's milliseconds, rounded up so the wait never ends early (null or
    /// <see cref="Timeout.InfiniteTimeSpan"/>: -1, forever).</summary>
    public static int Milliseconds(TimeSpan? timeout) =>
        timeout is TimeSpan t && t != Timeout.InfiniteTimeSpan ? (int)Math.Clamp(Math.Ceiling(t.TotalMilliseconds), 0, int.MaxValue) : -1;
}

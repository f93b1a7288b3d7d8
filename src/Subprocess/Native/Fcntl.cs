using Microsoft.Win32.SafeHandles;

namespace Subprocess.Native;

/// <summary>Status flags on an open descriptor.</summary>
internal static class Fcntl
{
    /// <summary>Makes reads and writes return EAGAIN instead of blocking, for the event loop.</summary>
    public static void SetNonBlocking(SafeFileHandle fd) => AddFlag(fd, Libc.O_NONBLOCK, "O_NONBLOCK");

    /// <summary>Makes every write land at the end of the file, whoever writes: .NET's FileMode.Append
    /// only positions its own stream, which a child sharing the descriptor would not honour.</summary>
    public static void SetAppend(SafeFileHandle fd) => AddFlag(fd, Libc.O_APPEND, "O_APPEND");

    private static void AddFlag(SafeFileHandle fd, int flag, string name)
    {
        int raw = (int)fd.DangerousGetHandle();
        int flags = Libc.fcntl(raw, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.fcntl(raw, Libc.F_SETFL, flags | flag) < 0)
        {
            throw Errno.LastFailure($"fcntl({name})");
        }
    }
}

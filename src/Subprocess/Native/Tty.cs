namespace Subprocess.Native;

/// <summary>What this process's standard descriptors tell of its terminal.</summary>
internal static unsafe class Tty
{
    // glibc's struct termios (x86-64 and arm64): c_lflag at 12, 60 bytes in all.
    internal const int SizeOfTermios = 60;
    internal const int LocalFlagsOffset = 12;
    internal const uint TOSTOP = 0x100;

    /// <summary>Whether <paramref name="fd"/> is a terminal.</summary>
    public static bool Is(int fd) => Libc.isatty(fd) == 1;

    /// <summary>Whether a process outside the terminal's foreground group is stopped (SIGTTOU) when it
    /// writes to <paramref name="fd"/>: a terminal with <c>stty tostop</c> set.</summary>
    public static bool StopsBackgroundWriters(int fd)
    {
        byte* termios = stackalloc byte[SizeOfTermios];
        return Is(fd) && Libc.tcgetattr(fd, termios) == 0 && (*(uint*)(termios + LocalFlagsOffset) & TOSTOP) != 0;
    }
}

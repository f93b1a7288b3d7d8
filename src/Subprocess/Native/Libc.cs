using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>
/// The libc entry points the Linux spawner uses. Every call returns the raw result; callers turn
/// failures into exceptions through <see cref="Errno"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int O_CLOEXEC = 0x80000;
    public const int O_NONBLOCK = 0x800;
    public const int O_APPEND = 0x400;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int F_SETPIPE_SZ = 1031;
    public const int F_DUPFD_CLOEXEC = 1030;

    public const int X_OK = 1;

    /// <summary>The disposition <c>sigaction</c> reports for an ignored signal.</summary>
    public const nint SIG_IGN = 1;

    /// <summary>glibc's struct sigaction on x86-64 and arm64: the handler at 0, the mask (128 bytes) at 8, the flags at 136.</summary>
    public const int SizeOfSigaction = 152;

    /// <summary>Where <c>sa_flags</c> is in glibc's struct sigaction.</summary>
    public const int SigactionFlagsOffset = 136;

    /// <summary>The sigaction flag that makes the kernel reap children by itself.</summary>
    public const int SA_NOCLDWAIT = 2;

    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    public const int O_RDWR = 2;
    public const int O_NOCTTY = 0x100;

    // asm-generic/ioctls.h, the same on x86-64 and arm64.
    public const ulong TIOCGWINSZ = 0x5413;
    public const ulong TIOCSWINSZ = 0x5414;

    public const int P_PIDFD = 3;
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;
    public const int CLD_EXITED = 1;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLONESHOT = 1u << 30;

    public const long SYS_pidfd_open = 434;
    public const long SYS_pidfd_send_signal = 424;

    // _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info /* 64 bytes */), kernel 6.15+.
    public const ulong PIDFD_GET_INFO = 0xC040FF0B;
    public const ulong PIDFD_INFO_EXIT = 1 << 3;

    /// <summary>Room for glibc's opaque spawn structures (posix_spawnattr_t is 336 bytes,
    /// posix_spawn_file_actions_t 80 on x86-64 and arm64); generous so other ABIs fit too.</summary>
    public const int OpaqueSize = 1024;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int access(byte* path, int mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial long syscall(long number, long a1, long a2, long a3, long a4);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitid(int idtype, int id, byte* siginfo, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(int fd, ulong request, void* arg);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport(Lib)]
    public static partial int isatty(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int open(byte* path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int posix_openpt(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int grantpt(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int unlockpt(int fd);

    [LibraryImport(Lib)]
    public static partial int ptsname_r(int fd, byte* buffer, nuint length);

    [LibraryImport(Lib)]
    public static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Lib)]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addclose(void* actions, int fd);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* actions, byte* path);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_addclosefrom_np(void* actions, int from);

    [LibraryImport(Lib)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Lib)]
    public static partial int sigaddset(void* set, int signal);

    [LibraryImport(Lib)]
    public static partial int sigdelset(void* set, int signal);

    [LibraryImport(Lib)]
    public static partial int sigfillset(void* set);

    /// <summary>Sets a disposition, reads it, or both (either pointer may be null). Both point to glibc's
    /// struct sigaction: the handler first, 152 bytes on x64 and arm64.</summary>
    [LibraryImport(Lib)]
    public static partial int sigaction(int signal, void* action, void* oldAction);

    /// <summary>Whether <paramref name="signal"/> is ignored now (false for one glibc will not report, such as its own 32 and 33).</summary>
    public static bool IsIgnored(int signal)
    {
        byte* action = stackalloc byte[SizeOfSigaction];
        return sigaction(signal, null, action) == 0 && *(nint*)action == SIG_IGN;
    }

    public const short POLLIN = 0x001;
    public const short POLLOUT = 0x004;
    public const short POLLHUP = 0x010;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}

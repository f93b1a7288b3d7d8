/* Prints, as name=value lines, the glibc and kernel layouts and constants that src/Subprocess/Native
 * reads by offset or passes by number. NativeLayoutSpecs compiles it for each architecture it finds a
 * compiler for (cc; aarch64-linux-gnu-gcc, run under qemu-aarch64-static) and compares with the code. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#define SHOW(name, value) printf("%s=%ld\n", name, (long)(value))

int main(void)
{
    siginfo_t info;
    SHOW("epoll_event.size", sizeof(struct epoll_event));
    SHOW("epoll_event.data", offsetof(struct epoll_event, data));
    SHOW("sigaction.size", sizeof(struct sigaction));
    SHOW("sigaction.handler", offsetof(struct sigaction, sa_handler));
    SHOW("sigaction.flags", offsetof(struct sigaction, sa_flags));
    SHOW("sigset.size", sizeof(sigset_t));
    SHOW("siginfo.size", sizeof(siginfo_t));
    SHOW("siginfo.code", (char *)&info.si_code - (char *)&info);
    SHOW("siginfo.pid", (char *)&info.si_pid - (char *)&info);
    SHOW("siginfo.status", (char *)&info.si_status - (char *)&info);
    SHOW("spawnattr.size", sizeof(posix_spawnattr_t));
    SHOW("file_actions.size", sizeof(posix_spawn_file_actions_t));
    SHOW("termios.size", sizeof(struct termios));
    SHOW("termios.lflag", offsetof(struct termios, c_lflag));
    SHOW("TOSTOP", TOSTOP);
    SHOW("O_CLOEXEC", O_CLOEXEC);
    SHOW("O_NONBLOCK", O_NONBLOCK);
    SHOW("O_APPEND", O_APPEND);
    SHOW("O_NOCTTY", O_NOCTTY);
    SHOW("F_SETPIPE_SZ", F_SETPIPE_SZ);
    SHOW("F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC);
    SHOW("TIOCGWINSZ", TIOCGWINSZ);
    SHOW("TIOCSWINSZ", TIOCSWINSZ);
    SHOW("SYS_pidfd_open", SYS_pidfd_open);
    SHOW("SYS_pidfd_send_signal", SYS_pidfd_send_signal);
    SHOW("P_PIDFD", P_PIDFD);
    SHOW("WNOWAIT", WNOWAIT);
    SHOW("SA_NOCLDWAIT", SA_NOCLDWAIT);
    SHOW("POSIX_SPAWN_SETPGROUP", POSIX_SPAWN_SETPGROUP);
    SHOW("POSIX_SPAWN_SETSIGDEF", POSIX_SPAWN_SETSIGDEF);
    SHOW("POSIX_SPAWN_SETSIGMASK", POSIX_SPAWN_SETSIGMASK);
    SHOW("POSIX_SPAWN_SETSID", POSIX_SPAWN_SETSID);
    SHOW("EPOLLONESHOT", EPOLLONESHOT);
    SHOW("POLLHUP", POLLHUP);
    SHOW("MAP_ANONYMOUS", MAP_ANONYMOUS);
    SHOW("MADV_POPULATE_WRITE", MADV_POPULATE_WRITE);
    SHOW("SIGCHLD", SIGCHLD);
    SHOW("SIGCONT", SIGCONT);
    SHOW("SIGSTOP", SIGSTOP);
    SHOW("SIGTSTP", SIGTSTP);
    SHOW("SIGXFSZ", SIGXFSZ);
    return 0;
}

/* The physical reference: what the kernel and libc cost with nothing on top.
 * Usage: peers spawn N | capture N | fanout N  (same lines as bench/Peers prints)
 *   spawn    N sequential posix_spawn + waitpid of /bin/true:         <ms per spawn>
 *   capture  N sequential `echo hi` with stdout read through a pipe:  <ms per spawn>
 *   fanout   N `sleep 1` spawned at once, then all reaped:             <wall s> <idle threads> <warm threads> <peak threads> <peak RSS KiB>
 * Every child gets what Subprocess gives it: an empty signal mask, and every signal at its default but
 * those this process ignored when it first spawned (never SIGPIPE or SIGXFSZ). */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long status_field(const char *field) {
    char line[256];
    long value = -1;
    size_t n = strlen(field);
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') value = atol(line + n + 1);
    if (f) fclose(f);
    return value;
}

static sigset_t default_signals(void) {
    sigset_t set;
    sigfillset(&set);
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction current;
        if (sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN) sigdelset(&set, sig);
    }
    sigaddset(&set, SIGPIPE);
    sigaddset(&set, SIGXFSZ);
    return set;
}

static pid_t spawn(char *const argv[], int out_fd) {
    static int collected;
    static sigset_t defaults;
    if (!collected) { defaults = default_signals(); collected = 1; }
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_init(&actions);
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) { fprintf(stderr, "posix_spawn %s: %s\n", argv[0], strerror(rc)); exit(1); }
    return pid;
}

static void reap(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "child %d failed\n", pid);
        exit(1);
    }
}

static void run_true(void) {
    char *argv[] = {"/bin/true", NULL};
    reap(spawn(argv, -1));
}

static void run_echo(void) {
    char *argv[] = {"/bin/echo", "hi", NULL};
    int fds[2];
    char buf[64];
    if (pipe2(fds, O_CLOEXEC) != 0) { perror("pipe2"); exit(1); }
    pid_t pid = spawn(argv, fds[1]);
    close(fds[1]);
    ssize_t got = 0, n;
    while ((n = read(fds[0], buf + got, sizeof buf - got)) > 0) got += n;
    close(fds[0]);
    reap(pid);
    if (got != 3 || memcmp(buf, "hi\n", 3) != 0) { fprintf(stderr, "echo said %.*s\n", (int)got, buf); exit(1); }
}

static double sequential(void (*once)(void), int count) {
    for (int i = 0; i < 100; i++) once();
    double start = now();
    for (int i = 0; i < count; i++) once();
    return (now() - start) * 1000 / count;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: peers spawn|capture|fanout N\n"); return 2; }
    int n = atoi(argv[2]);
    if (strcmp(argv[1], "spawn") == 0) printf("%.4f\n", sequential(run_true, n));
    else if (strcmp(argv[1], "capture") == 0) printf("%.4f\n", sequential(run_echo, n));
    else if (strcmp(argv[1], "fanout") == 0) {
        long idle = status_field("Threads");
        char *warm_argv[] = {"/bin/sleep", "0", NULL};
        for (int i = 0; i < 20; i++) reap(spawn(warm_argv, -1));
        long warm = status_field("Threads");
        char *sleep_argv[] = {"/bin/sleep", "1", NULL};
        pid_t *pids = malloc(sizeof(pid_t) * n);
        double start = now();
        for (int i = 0; i < n; i++) pids[i] = spawn(sleep_argv, -1);
        for (int i = 0; i < n; i++) reap(pids[i]);
        printf("%.3f %ld %ld %ld %ld\n", now() - start, idle, warm, status_field("Threads"), status_field("VmHWM"));
        free(pids);
    } else { fprintf(stderr, "unknown measurement %s\n", argv[1]); return 2; }
    return 0;
}

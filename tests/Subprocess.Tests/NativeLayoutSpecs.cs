using System.Runtime.InteropServices;
using Subprocess.Native;

namespace Subprocess.Tests;

/// <summary>
/// The native layer reads glibc's and the kernel's structures by offset. These specs check its
/// figures against each architecture's own headers (scripts/abi-probe.c, compiled where a compiler for
/// that architecture is found) and, by use, in the process the specs run in: the arm64 run under
/// emulation proves arm64's.
/// </summary>
public class NativeLayoutSpecs : Spec
{
    /// <summary>What the code says for each name abi-probe.c prints; only epoll_event's differ between architectures.</summary>
    private static Dictionary<string, long> Expected(Architecture architecture)
    {
        Assert.True(NativeLayout.TryEpollEvent(architecture, out int epollSize, out int epollData));
        return new()
        {
            ["epoll_event.size"] = epollSize,
            ["epoll_event.data"] = epollData,
            ["sigaction.size"] = Libc.SizeOfSigaction,
            ["sigaction.handler"] = 0,
            ["sigaction.flags"] = Libc.SigactionFlagsOffset,
            ["sigset.size"] = PosixSpawn.SigsetSize,
            ["siginfo.size"] = Pidfd.SizeOfSiginfo,
            ["siginfo.code"] = Pidfd.SiginfoCodeOffset,
            ["siginfo.pid"] = Pidfd.SiginfoPidOffset,
            ["siginfo.status"] = Pidfd.SiginfoStatusOffset,
            ["termios.size"] = Tty.SizeOfTermios,
            ["termios.lflag"] = Tty.LocalFlagsOffset,
            ["TOSTOP"] = Tty.TOSTOP,
            ["O_CLOEXEC"] = Libc.O_CLOEXEC,
            ["O_NONBLOCK"] = Libc.O_NONBLOCK,
            ["O_APPEND"] = Libc.O_APPEND,
            ["O_NOCTTY"] = Libc.O_NOCTTY,
            ["F_SETPIPE_SZ"] = Libc.F_SETPIPE_SZ,
            ["F_DUPFD_CLOEXEC"] = Libc.F_DUPFD_CLOEXEC,
            ["TIOCGWINSZ"] = (long)Libc.TIOCGWINSZ,
            ["TIOCSWINSZ"] = (long)Libc.TIOCSWINSZ,
            ["SYS_pidfd_open"] = Libc.SYS_pidfd_open,
            ["SYS_pidfd_send_signal"] = Libc.SYS_pidfd_send_signal,
            ["P_PIDFD"] = Libc.P_PIDFD,
            ["WNOWAIT"] = Libc.WNOWAIT,
            ["SA_NOCLDWAIT"] = Libc.SA_NOCLDWAIT,
            ["POSIX_SPAWN_SETPGROUP"] = Libc.POSIX_SPAWN_SETPGROUP,
            ["POSIX_SPAWN_SETSIGDEF"] = Libc.POSIX_SPAWN_SETSIGDEF,
            ["POSIX_SPAWN_SETSIGMASK"] = Libc.POSIX_SPAWN_SETSIGMASK,
            ["POSIX_SPAWN_SETSID"] = Libc.POSIX_SPAWN_SETSID,
            ["EPOLLONESHOT"] = Libc.EPOLLONESHOT,
            ["POLLHUP"] = Libc.POLLHUP,
            ["MAP_ANONYMOUS"] = Mmap.MAP_ANONYMOUS,
            ["MADV_POPULATE_WRITE"] = Mmap.MADV_POPULATE_WRITE,
            ["SIGCHLD"] = Signals.SIGCHLD,
            ["SIGCONT"] = Signals.SIGCONT,
            ["SIGSTOP"] = Signals.SIGSTOP,
            ["SIGTSTP"] = Signals.SIGTSTP,
            ["SIGXFSZ"] = Signals.SIGXFSZ,
        };
    }

    /// <summary>What abi-probe.c prints of the structures the code only makes room for (<see cref="Libc.OpaqueSize"/>).</summary>
    private static readonly string[] Opaque = ["spawnattr.size", "file_actions.size"];

    public static TheoryData<Architecture> Architectures => [Architecture.X64, Architecture.Arm64];

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Architectures))]
    public async Task The_figures_match_each_architectures_own_headers(Architecture architecture)
    {
        // Named by target, so that each is found whatever machine the specs run on; a probe for another
        // architecture than the machine's runs under qemu's user-mode emulator.
        string compiler = architecture == Architecture.X64 ? "x86_64-linux-gnu-gcc" : "aarch64-linux-gnu-gcc";
        string? emulator = architecture == Emulation.Machine ? null
            : architecture == Architecture.X64 ? "qemu-x86_64-static" : "qemu-aarch64-static";
        string? missing = new[] { compiler, emulator }.FirstOrDefault(tool => tool is not null && !OnPath(tool));
        Assert.SkipWhen(missing is not null,
            $"no {missing} here to build and run scripts/abi-probe.c for {architecture} (.ci/run installs gcc-aarch64-linux-gnu and qemu-user-static)");

        string probe = Path.Combine(Path.GetTempPath(), $"abi-probe-{architecture}-{Environment.ProcessId}");
        try
        {
            await Command.Create(compiler, "-o", probe, Path.Combine(Repository.Root, "scripts", "abi-probe.c")).RunAsync();
            string libraries = architecture == Architecture.X64 ? "/usr/x86_64-linux-gnu" : "/usr/aarch64-linux-gnu";
            Command show = emulator is null ? Command.Create(probe) : Command.Create(emulator, "-L", libraries, probe);
            string printed = (await show.CaptureAsync()).StdoutText;
            Dictionary<string, long> headers = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=')).ToDictionary(pair => pair[0], pair => long.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
            Dictionary<string, long> code = Expected(architecture);
            Assert.Equal(code.Keys.Concat(Opaque).Order(), headers.Keys.Order());
            Assert.All(code, entry => Assert.True(entry.Value == headers[entry.Key],
                $"{entry.Key}: the code says {entry.Value}, {architecture}'s headers {headers[entry.Key]}"));
            // glibc's spawn structures are opaque to the code, which only gives them room.
            Assert.All(Opaque, name => Assert.InRange(headers[name], 1, Libc.OpaqueSize));
        }
        finally
        {
            File.Delete(probe);
        }
    }

    [Fact]
    public void Only_the_architectures_checked_get_the_native_layer()
    {
        Assert.False(NativeLayout.TryEpollEvent(Architecture.X86, out _, out _));
        Assert.False(NativeLayout.TryEpollEvent(Architecture.RiscV64, out _, out _));
        Assert.Equal(RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 && !NativeLayout.IsMusl(), NativeLayout.IsKnown);
    }

    [Fact(Timeout = 30_000)]
    public unsafe void Epoll_hands_back_the_token_and_events_a_descriptor_was_added_with()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, Libc.pipe2(fds, Libc.O_CLOEXEC));
        try
        {
            var epoll = new Epoll();
            const ulong token = 0x0102030405060708;
            epoll.Add(fds[0], Libc.EPOLLIN, token);
            Span<Epoll.Ready> ready = stackalloc Epoll.Ready[4];
            Assert.Equal(0, epoll.Wait(ready, milliseconds: 0));

            byte b = 1;
            Assert.Equal(1, Libc.write(fds[1], &b, 1));
            Assert.Equal(1, epoll.Wait(ready, milliseconds: 10_000));
            Assert.Equal(new Epoll.Ready(Libc.EPOLLIN, token), ready[0]);
            epoll.Remove(fds[0]);
        }
        finally
        {
            _ = Libc.close(fds[0]);
            _ = Libc.close(fds[1]);
        }
    }

    [Fact]
    public unsafe void A_signal_disposition_is_read_where_glibc_writes_it_and_no_further()
    {
        // The runtime ignores SIGPIPE for itself; glibc writes no more than the struct it declares.
        const int room = 512;
        byte* action = stackalloc byte[room];
        new Span<byte>(action, room).Fill(0xA5);
        Assert.Equal(0, Libc.sigaction(Signals.SIGPIPE, null, action));
        Assert.Equal(Libc.SIG_IGN, *(nint*)action);
        Assert.True(new Span<byte>(action + Libc.SizeOfSigaction, room - Libc.SizeOfSigaction).IndexOfAnyExcept((byte)0xA5) < 0,
            "sigaction wrote past the size the code gives it");
        Assert.True(Libc.IsIgnored(Signals.SIGPIPE));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));
}

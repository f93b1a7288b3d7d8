using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>
/// The architectures whose glibc and kernel structures this layer knows, and the one layout among
/// them that differs. The other structures it reads by offset (<c>struct sigaction</c>,
/// <c>siginfo_t</c>, <c>sigset_t</c>, <c>struct termios</c>) and the constants and syscall numbers that
/// differ between Linux architectures at all are the same on x86-64 and arm64: checked against each
/// architecture's own headers by <c>scripts/abi-probe.c</c>, which the specs compile and run where a
/// compiler for it is found (<c>struct pidfd_info</c>, newer than those headers, is fixed-size fields only).
/// An architecture not listed here, or a libc other than glibc, gets the portable spawner.
/// </summary>
internal static class NativeLayout
{
    /// <summary>Whether the native layer's layouts are known for this process: Linux with glibc on x86-64 or arm64.
    /// musl (Alpine) is not: its spawn attributes and signal set differ, and nothing here was checked against it.</summary>
    public static bool IsKnown { get; }

    /// <summary>Size of one <c>struct epoll_event</c> in this process.</summary>
    public static int EpollEventSize { get; }

    /// <summary>Offset of <c>epoll_event.data</c> in this process.</summary>
    public static int EpollDataOffset { get; }

    static NativeLayout()
    {
        bool known = TryEpollEvent(RuntimeInformation.ProcessArchitecture, out int size, out int dataOffset);
        IsKnown = known && OperatingSystem.IsLinux() && !IsMusl();
        EpollEventSize = size;
        EpollDataOffset = dataOffset;
    }

    /// <summary>Whether this process runs on musl: by the runtime's own RID, or, for a runtime a
    /// distribution built (whose RID names the distribution: alpine.3.20-x64), by musl's loader.</summary>
    internal static bool IsMusl() =>
        RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal)
        || (Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*.so.1").Any());

    /// <summary>
    /// <c>struct epoll_event</c> (a 32-bit event mask, then 64 bits of data) on <paramref name="architecture"/>:
    /// the kernel packs it on x86-64 only (<c>__EPOLL_PACKED</c>), so there the data follows the mask
    /// at 4 and the struct is 12 bytes; arm64 aligns the data to 8, making 16.
    /// </summary>
    public static bool TryEpollEvent(Architecture architecture, out int size, out int dataOffset)
    {
        (bool known, size, dataOffset) = architecture switch
        {
            Architecture.X64 => (true, 12, 4),
            Architecture.Arm64 => (true, 16, 8),
            _ => (false, 0, 0),
        };
        return known;
    }
}

using System.Runtime.InteropServices;

namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// Whether the specs run under user-mode emulation: .ci/run's arm64 run, the specs built for linux-arm64
/// under <c>qemu-aarch64-static</c> on an x86-64 machine. There this process is emulated and its
/// children (sh, cat, the tests' helper under the machine's own dotnet) run natively. Told by the
/// machine code of <c>/bin/sh</c>, which is not this process's architecture only then.
/// </summary>
public static class Emulation
{
    /// <summary>The machine's own architecture: that of <c>/bin/sh</c> (null if neither x86-64 nor arm64).</summary>
    public static Architecture? Machine { get; } = ShellArchitecture();

    /// <summary>Why a spec of an exec failure on the native spawner is skipped under emulation.</summary>
    public const string ExecErrorLost = "under user-mode emulation posix_spawn's clone(CLONE_VM | CLONE_VFORK) runs as a plain fork, so exec's " +
        "error never reaches the parent (the child exits 127); arm64 hardware reports it as x86-64 does";

    public static bool IsUserMode { get; } = Machine is not null && Machine != RuntimeInformation.ProcessArchitecture;

    /// <summary>
    /// How many children a volume spec starts: a tenth of <paramref name="count"/> under emulation,
    /// where every spawn forks the whole emulator (about 50 ms a child, against well under 1 ms
    /// natively). What those specs check (nothing left behind, every child its own output, one
    /// thread) holds or fails per child, so a tenth still shows a leak of one per spawn.
    /// </summary>
    public static int Scaled(int count) => IsUserMode ? Math.Max(1, count / 10) : count;

    private static Architecture? ShellArchitecture()
    {
        Span<byte> header = stackalloc byte[20];
        using (var shell = File.OpenRead("/bin/sh"))
        {
            shell.ReadExactly(header);
        }
        // ELF e_machine, little-endian at 18: 0x3E x86-64, 0xB7 AArch64.
        ushort machine = (ushort)(header[18] | (header[19] << 8));
        return machine switch { 0x3E => Architecture.X64, 0xB7 => Architecture.Arm64, _ => null };
    }
}

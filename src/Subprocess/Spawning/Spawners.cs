using System.Runtime.InteropServices;

namespace Subprocess.Spawning;

/// <summary>Chooses the spawner: the native Linux one where it applies, the portable one elsewhere.</summary>
internal static class Spawners
{
    /// <summary>Set to <c>portable</c> to use <see cref="PortableSpawner"/> on Linux too.</summary>
    public const string SelectorVariable = "SUBPROCESS_SPAWNER";

    public static ISpawner Default { get; } = Select(Environment.GetEnvironmentVariable(SelectorVariable));

    internal static ISpawner Select(string? selector)
    {
        if (string.Equals(selector, "portable", StringComparison.OrdinalIgnoreCase))
        {
            return PortableSpawner.Instance;
        }
        // The native layer's struct layouts (epoll_event packed to 12 bytes, siginfo_t, sigaction)
        // are x86-64 glibc's; other architectures use the portable spawner until they are checked.
        return OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? LinuxSpawner.Instance
            : PortableSpawner.Instance;
    }
}

using Subprocess.Native;

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
        // The native layer reads glibc's and the kernel's structures by offset: only where those
        // layouts were checked (x86-64 and arm64 glibc); elsewhere the portable spawner.
        return NativeLayout.IsKnown ? LinuxSpawner.Instance : PortableSpawner.Instance;
    }
}

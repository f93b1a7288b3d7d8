using Subprocess.Running;
using Subprocess.Spawning;

namespace Subprocess.Tests.Infrastructure;

public enum SpawnerKind
{
    Linux,
    Portable,
}

/// <summary>Runs a test once per spawner: both on Linux, the portable one elsewhere.</summary>
public static class Spawner
{
    public static TheoryData<SpawnerKind> Both { get; } = Subprocess.Native.NativeLayout.IsKnown
        ? new TheoryData<SpawnerKind> { SpawnerKind.Linux, SpawnerKind.Portable }
        : new TheoryData<SpawnerKind> { SpawnerKind.Portable };

    /// <summary>Every child the calling test starts from here on (in its async flow, until disposed)
    /// is started by the chosen spawner.</summary>
    public static IDisposable Use(SpawnerKind kind) =>
        LaunchScope.Use(kind == SpawnerKind.Linux ? LinuxSpawner.Instance : PortableSpawner.Instance);
}

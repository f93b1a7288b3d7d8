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
    public static TheoryData<SpawnerKind> Both { get; } = OperatingSystem.IsLinux()
        ? new TheoryData<SpawnerKind> { SpawnerKind.Linux, SpawnerKind.Portable }
        : new TheoryData<SpawnerKind> { SpawnerKind.Portable };

    /// <summary>The same command, started by the chosen spawner.</summary>
    public static Command On(this Command command, SpawnerKind kind) =>
        command.WithSpec(spec => spec with
        {
            Spawner = kind == SpawnerKind.Linux ? LinuxSpawner.Instance : PortableSpawner.Instance,
        });

    /// <summary>The same pipeline, every stage started by the chosen spawner.</summary>
    public static Pipeline On(this Pipeline pipeline, SpawnerKind kind) => pipeline.WithCommands(command => command.On(kind));
}

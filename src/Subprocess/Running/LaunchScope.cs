using Subprocess.Spawning;

namespace Subprocess.Running;

/// <summary>
/// What applies to every launch made in one async flow, set by tests (nothing public sets it): the
/// spawner that starts the children, and who hears of each child started. It flows with the
/// <see cref="ExecutionContext"/>, so tests running side by side do not see each other's.
/// </summary>
internal static class LaunchScope
{
    private static readonly AsyncLocal<ISpawner?> ChosenSpawner = new();
    private static readonly AsyncLocal<Action<int>?> StartedObserver = new();

    /// <summary>The spawner launches use here: the one chosen for this flow, else <see cref="Spawners.Default"/>.</summary>
    public static ISpawner Spawner => ChosenSpawner.Value ?? Spawners.Default;

    /// <summary>Launches in this flow use <paramref name="spawner"/> until the result is disposed.</summary>
    public static IDisposable Use(ISpawner spawner) => Set(ChosenSpawner, spawner);

    /// <summary>Every child launched in this flow is reported to <paramref name="onStarted"/> (its PID),
    /// until the result is disposed.</summary>
    public static IDisposable Observe(Action<int> onStarted) => Set(StartedObserver, onStarted);

    /// <summary>Tells the observer of this flow, if any, that <paramref name="pid"/> was started.</summary>
    public static void Started(int pid) => StartedObserver.Value?.Invoke(pid);

    private static Restore<T> Set<T>(AsyncLocal<T?> slot, T value)
        where T : class
    {
        var restore = new Restore<T>(slot, slot.Value);
        slot.Value = value;
        return restore;
    }

    private sealed class Restore<T>(AsyncLocal<T?> slot, T? previous) : IDisposable
        where T : class
    {
        public void Dispose() => slot.Value = previous;
    }
}

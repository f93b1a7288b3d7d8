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
        var restore = new Restore<T>(slot, value, slot.Value);
        slot.Value = value;
        return restore;
    }

    /// <summary>Puts back what was there, if this scope's value is still the one in place: a scope disposed
    /// out of order (an outer one first) must not bring back an inner one already gone.</summary>
    private sealed class Restore<T>(AsyncLocal<T?> slot, T value, T? previous) : IDisposable
        where T : class
    {
        public void Dispose()
        {
            if (ReferenceEquals(slot.Value, value))
            {
                slot.Value = previous;
            }
        }
    }
}

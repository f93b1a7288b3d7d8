using System.Diagnostics;

namespace Subprocess.Spawning;

/// <summary>
/// Runs the shared sync/async cores in their synchronous mode. In that mode every wait inside the
/// core blocks on an event rather than awaiting, so the task is already complete when it returns:
/// reading its result here never blocks on a task.
/// </summary>
internal static class Synchronously
{
    public static T Result<T>(ValueTask<T> completed)
    {
        Debug.Assert(completed.IsCompleted, "A synchronous-mode core must complete before returning.");
        return completed.GetAwaiter().GetResult();
    }

    public static void Complete(ValueTask completed)
    {
        Debug.Assert(completed.IsCompleted, "A synchronous-mode core must complete before returning.");
        completed.GetAwaiter().GetResult();
    }
}

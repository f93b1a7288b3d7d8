using System.Diagnostics;

namespace Subprocess.Waiting;

/// <summary>
/// Completes the shared cores that a blocking waiter drives. With one, every wait inside the
/// core blocks the calling thread rather than awaiting, so the task is already complete when it returns:
/// reading its result here never blocks on a task.
/// </summary>
internal static class Synchronously
{
    public static T Result<T>(ValueTask<T> completed)
    {
        Debug.Assert(completed.IsCompleted, "A core driven by a blocking waiter must complete before returning.");
        return completed.GetAwaiter().GetResult();
    }

    public static void Complete(ValueTask completed)
    {
        Debug.Assert(completed.IsCompleted, "A core driven by a blocking waiter must complete before returning.");
        completed.GetAwaiter().GetResult();
    }
}

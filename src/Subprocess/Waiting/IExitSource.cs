using System.Runtime.InteropServices;

namespace Subprocess.Waiting;

/// <summary>What a <see cref="Waiter"/> needs of a spawner's hold on a child: its exit, to wait for.</summary>
internal interface IExitSource
{
    /// <summary>Set once the exit is known, by whoever reaps the child.</summary>
    ExitLatch Exit { get; }

    /// <summary>A descriptor that polls readable once the child has exited (its pidfd), so one thread
    /// can wait for exits and pipes at once; null where the spawner has none.</summary>
    SafeHandle? ExitDescriptor { get; }

    /// <summary>Checks for the exit without blocking, reaping the child if it has exited.</summary>
    ExitStatus? Poll();

    /// <summary>Blocks until the exit is known or <paramref name="timeout"/> passes (null: forever).</summary>
    bool WaitForExit(TimeSpan? timeout);

    /// <summary>Has the shared event loop reap the child when it exits, if it does not already.</summary>
    void StartReaping();
}

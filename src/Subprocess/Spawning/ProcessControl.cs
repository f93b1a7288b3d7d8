using System.Runtime.InteropServices;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Spawning;

/// <summary>A spawner's hold on one running child: its exit, and the means to signal it.</summary>
internal abstract class ProcessControl : IExitSource, IDisposable
{
    private ChildTrace? _trace;

    protected ProcessControl(int pid, int groupId)
    {
        Pid = pid;
        GroupId = groupId;
    }

    public int Pid { get; }

    /// <summary>The process group the child was put in (0: the parent's, not ours to signal).</summary>
    public int GroupId { get; }

    /// <summary>The child leads its own process group (its PGID is its PID).</summary>
    public bool OwnGroup => GroupId == Pid;

    /// <summary>Whether the child leads a session on a terminal of its own (<c>WithTerminal</c>): it is ended
    /// by a hang-up first, as a terminal that closes ends it.</summary>
    public bool HasTerminal { get; init; }

    /// <summary>Whether <see cref="Signal"/> with <c>group</c> reaches the child's whole tree.</summary>
    public virtual bool CanSignalTree => GroupId != 0;

    public ExitLatch Exit { get; } = new();

    /// <summary>Why the exit status is not the program's own (a remote job whose connection was lost);
    /// null for a status that is.</summary>
    public virtual SubprocessException? Failure => null;

    /// <summary>Records the exit: its trace ends, the latch opens, and the child stops counting as live.</summary>
    protected void Completed(ExitStatus status)
    {
        // The trace ends before the exit is made known, so a caller that saw the exit finds its span ended.
        Volatile.Read(ref _trace)?.Ended(status);
        if (Exit.TrySet(status))
        {
            LiveChildren.Untrack(this);
        }
        // A trace set meanwhile (a child reaped as it was spawned) saw no exit yet: it ends here, or the
        // setter, which reads the exit after its fenced store, ends it. Ended counts once.
        Volatile.Read(ref _trace)?.Ended(status);
    }

    /// <summary>The child's activity and counts, while someone listens (null otherwise). Set just after the
    /// spawn; an exit recorded before that ends the trace here, and <see cref="ChildTrace.Ended"/> counts once.</summary>
    public ChildTrace? Trace
    {
        get => Volatile.Read(ref _trace);
        set
        {
            Interlocked.Exchange(ref _trace, value);
            if (Exit.Status is ExitStatus status)
            {
                value?.Ended(status);
            }
        }
    }

    /// <summary>Checks for exit without blocking, reaping the child if it has exited.</summary>
    public abstract ExitStatus? Poll();

    /// <summary>Blocks until the child's exit is known or <paramref name="timeout"/> passes (null: forever).</summary>
    public virtual bool WaitForExit(TimeSpan? timeout) => Poll() is not null || Exit.Wait(timeout);

    /// <summary>A descriptor that polls readable once the child has exited (the pidfd on Linux), so a
    /// thread can wait for the exit and for pipes at once; null where the spawner has none.</summary>
    public virtual SafeHandle? ExitDescriptor => null;

    /// <summary>Has the shared event loop reap the child, if the launch deferred that.</summary>
    public virtual void StartReaping()
    {
    }

    /// <summary>Sends <paramref name="signal"/> to each of <paramref name="controls"/>, with what it started
    /// too when <paramref name="tree"/> and it can (its own group, or the portable spawner's kill of a
    /// tree); returns whether anything was signalled.</summary>
    public static bool SignalEach(IReadOnlyList<ProcessControl> controls, int signal, bool tree)
    {
        bool sent = false;
        for (int i = 0; i < controls.Count; i++)
        {
            sent |= controls[i].Signal(signal, group: tree && controls[i].CanSignalTree);
        }
        return sent;
    }

    /// <summary>Sends <paramref name="signal"/> to the child, or to its whole process group when
    /// <paramref name="group"/> and it is in one of ours. Does nothing once the child has been reaped, so a
    /// recycled PID is never hit. Returns whether a signal was sent.</summary>
    public abstract bool Signal(int signal, bool group);

    /// <summary>Releases what the control holds. A child still running (a detached one) keeps being
    /// watched, so it is reaped when it exits and never lingers as a zombie.</summary>
    public abstract void Dispose();
}

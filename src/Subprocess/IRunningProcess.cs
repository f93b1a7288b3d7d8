using Subprocess.Pipes;

namespace Subprocess;

/// <summary>
/// What the shared engines (<see cref="Execution"/>) need of a running child or pipeline, so
/// <c>Communicate</c>, <c>Run</c> and <c>Capture</c> exist once for both.
/// </summary>
internal interface IRunningProcess : IDisposable, IAsyncDisposable
{
    string CommandLine { get; }

    DateTimeOffset StartTime { get; }

    Exchange Exchange { get; }

    /// <summary>Completes when every stage has exited.</summary>
    Task Exited { get; }

    /// <summary>The most bytes captured from each stream before the tree is ended (<c>WithMaxOutput</c>).</summary>
    long MaxOutput { get; }

    /// <summary>How long, in total, pipes are still drained after the exit before the rest is abandoned.</summary>
    TimeSpan DrainTimeout { get; }

    /// <summary>Every stage's status once all have exited, else null. Never blocks.</summary>
    IReadOnlyList<ExitStatus>? PollAll();

    /// <summary>When the last stage's exit was observed; valid once <see cref="PollAll"/> is not null.</summary>
    DateTimeOffset ExitTime { get; }

    /// <summary>The command line of stage <paramref name="index"/>.</summary>
    string StageCommandLine(int index);

    /// <summary>Waits for every stage up to <paramref name="timeout"/>; false if it passed.</summary>
    ValueTask<bool> WaitAllAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken);

    /// <summary>A loop on which a synchronous call can pump the pipes and watch the exits on its own
    /// thread, or null where the spawner's pipes and exits cannot be polled (the portable spawner).</summary>
    Spawning.CallerLoop? OpenCallerLoop();

    /// <summary>SIGTERM to the whole tree, the grace period, SIGKILL; returns when every stage has exited.</summary>
    ValueTask EndTreeAsync(bool synchronous);
}

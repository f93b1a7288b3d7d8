namespace Subprocess;

/// <summary>How <see cref="JobRunner"/> runs many jobs.</summary>
public sealed record JobOptions
{
    /// <summary>How many jobs run at once: by default the number of cores; 0 means no limit.</summary>
    public int MaxParallel { get; init; } = Environment.ProcessorCount;

    /// <summary>Results in input order (GNU parallel's <c>--keep-order</c>) rather than as jobs finish.</summary>
    public bool KeepOrder { get; init; }

    /// <summary>How many times a failed job is run again before its failure is reported (default 0).</summary>
    public int Retries { get; init; }

    /// <summary>Each attempt's timeout; the job's whole process tree is ended when it passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The least time between two job starts (GNU parallel's <c>--delay</c>; default none): spreads
    /// out the load a burst of starts would make, on a server, say. Measured on <see cref="TimeProvider"/>.</summary>
    public TimeSpan StartDelay { get; init; }

    /// <summary>
    /// Awaited before each job starts, once a slot is free; null (the default) starts at once. It holds
    /// starts back while the machine is too busy for another job (<c>subproc parallel --load</c> and
    /// <c>--memfree</c> wait here for the load to fall or memory to free up). The running jobs go on
    /// meanwhile. It is called once per start, one call at a time, with a token that cancelling the run
    /// or a halt cancels; an exception other than that cancellation ends the run, the enumeration
    /// throwing it once the running jobs have ended.
    /// </summary>
    /// <example><code>
    /// // Start a job only while at least 1 GiB is available.
    /// var options = new JobOptions
    /// {
    ///     WaitToStart = async cancel =>
    ///     {
    ///         while (AvailableBytes() &lt; 1L &lt;&lt; 30) await Task.Delay(TimeSpan.FromSeconds(1), cancel);
    ///     },
    /// };
    /// </code></example>
    public Func<CancellationToken, ValueTask>? WaitToStart { get; init; }

    /// <summary>When to stop early; null (the default) runs every job.</summary>
    public HaltPolicy? Halt { get; init; }

    /// <summary>Where a job's output spills once a stream passes 1 MiB (default: the system's temporary
    /// directory). Small output stays in memory; large output goes to files, so thousands of jobs with
    /// large output keep memory bounded.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>The clock of each job's start time, duration, timeout, and of the grace period and drain
    /// timeout that follow a timeout (default <see cref="TimeProvider.System"/>); a test can pass a fake one
    /// to drive timeouts without waiting for them, and must then move it past those too.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

using System.Diagnostics;
using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess;

/// <summary>
/// The engines under <c>Communicate</c>, <c>Run</c> and <c>Capture</c>, shared by commands and
/// pipelines and by the sync and async twins: in synchronous mode every wait blocks on an event, so
/// the returned task is already complete.
/// </summary>
internal static class Execution
{
    /// <summary>
    /// Feeds stdin, drains stdout and every stderr, and returns when the processes have exited and
    /// their pipes are drained. Exit, not end of file, is what ends the wait: if a grandchild keeps a
    /// pipe open after the exit, the rest is drained for the drain timeout and then abandoned, and
    /// the output says it is incomplete.
    /// </summary>
    public static async ValueTask<ProcessOutput> CommunicateAsync(IRunningProcess process, ReadOnlyMemory<byte> input,
        TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken)
    {
        try
        {
            Communication communication = await CollectAsync(process, input, timeout, synchronous, cancellationToken).ConfigureAwait(false);
            return communication.Snapshot(release: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await process.EndTreeAsync(synchronous).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="wait"/>; if <paramref name="cancellationToken"/> cancels it, ends the
    /// process's tree before letting the cancellation through.</summary>
    public static async Task<T> EndTreeIfCanceledAsync<T>(IRunningProcess process, Func<Task<T>> wait, CancellationToken cancellationToken)
    {
        try
        {
            return await wait().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await process.EndTreeAsync(synchronous: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The engine of <see cref="CommunicateAsync"/>, leaving the output where it was collected
    /// (in memory, or spilled to files under <paramref name="spool"/>) instead of copying it out.</summary>
    public static async ValueTask<Communication> CollectAsync(IRunningProcess process, ReadOnlyMemory<byte> input,
        TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken, string? spool = null)
    {
        // A synchronous call pumps the pipes and watches the exits itself, with poll(2) on this thread,
        // where the spawner allows it (as Python's communicate does): no registration with the shared
        // loop and no hand-off between threads per read. Leaving early hands what is left to the loop.
        using CallerLoop? loop = synchronous ? process.OpenCallerLoop() : null;
        Communication communication = process.Exchange.Start(input, process.MaxOutput, spool, loop);
        // A communication resumed from an earlier call keeps its pumps where they are (the shared loop).
        CallerLoop? caller = loop is not null && ReferenceEquals(communication.Loop, loop) ? loop : null;
        if (caller is not null)
        {
            caller.WatchExit(communication.ProcessesExited);
        }
        else
        {
            _ = process.Exited.ContinueWith(
                static (_, state) => ((Communication)state!).ProcessesExited(), communication,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        long started = Stopwatch.GetTimestamp();
        if (!await WaitAsync(communication.DoneOrExited, caller, timeout, synchronous, cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(process, timeout!.Value, communication.Snapshot());
        }
        if (communication.Error is OutputLimitException overflow)
        {
            throw await OverflowedAsync(process, communication, caller, overflow, synchronous).ConfigureAwait(false);
        }
        await DrainAsync(process, communication, caller, synchronous, cancellationToken).ConfigureAwait(false);
        TimeSpan? remaining = Remaining(timeout, started);
        if (!await process.WaitAllAsync(remaining, synchronous, cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(process, timeout!.Value, communication.Snapshot());
        }
        if (communication.Error is OutputLimitException lateOverflow)
        {
            // The exit was seen before the pump had read past the limit: the excess came in the drain.
            throw await OverflowedAsync(process, communication, caller, lateOverflow, synchronous).ConfigureAwait(false);
        }
        if (communication.Error is Exception error)
        {
            throw new IOException($"Communicating with '{process.CommandLine}' failed: {error.Message}", error);
        }
        return communication;
    }

    /// <summary>Waits for <paramref name="gate"/>: running <paramref name="caller"/>'s loop when this thread
    /// pumps, else as the gate's own wait does.</summary>
    private static ValueTask<bool> WaitAsync(Gate gate, CallerLoop? caller, TimeSpan? timeout, bool synchronous,
        CancellationToken cancellationToken) =>
        caller is not null ? new(caller.RunUntil(gate, timeout)) : gate.WaitAsync(timeout, synchronous, cancellationToken);

    /// <summary>Ends the tree (grandchildren may still write) and gives the overflow with the output kept.</summary>
    private static async ValueTask<OutputLimitException> OverflowedAsync(IRunningProcess process, Communication communication,
        CallerLoop? caller, OutputLimitException overflow, bool synchronous)
    {
        // The other streams keep flowing on the shared loop while the tree is ended.
        caller?.HandOff();
        await process.EndTreeAsync(synchronous).ConfigureAwait(false);
        process.Exchange.Abandon(communication);
        return overflow.For(process.CommandLine, communication.Snapshot(release: true));
    }

    private static TimeSpan? Remaining(TimeSpan? timeout, long started)
    {
        TimeSpan? remaining = timeout - Stopwatch.GetElapsedTime(started);
        return remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining;
    }

    /// <summary>Runs a started process to its end: waits (or communicates, when capturing) within the
    /// timeout, ends the tree on timeout or cancellation, checks the verdict, and always disposes it.</summary>
    public static async ValueTask<ProcessResult> RunAsync(IRunningProcess process, bool capture, ReadOnlyMemory<byte> input,
        TimeSpan? timeout, bool check, bool synchronous, CancellationToken cancellationToken)
    {
        try
        {
            ProcessOutput output;
            try
            {
                output = capture
                    ? await CommunicateAsync(process, input, timeout, synchronous, cancellationToken).ConfigureAwait(false)
                    : await process.WaitAllAsync(timeout, synchronous, cancellationToken).ConfigureAwait(false)
                        ? new ProcessOutput([], [])
                        : throw TimedOut(process, timeout!.Value, null);
            }
            catch (ProcessTimeoutException)
            {
                await process.EndTreeAsync(synchronous).ConfigureAwait(false);
                ProcessOutput partial = await DrainAsync(process, synchronous).ConfigureAwait(false);
                throw new ProcessTimeoutException(process.CommandLine, timeout!.Value, partial.Stdout, partial.Stderr,
                    Verdict.Of(process.PollAll()!));
            }
            catch (OperationCanceledException)
            {
                await process.EndTreeAsync(synchronous).ConfigureAwait(false);
                throw;
            }

            IReadOnlyList<ExitStatus> statuses = process.PollAll()!;
            int failing = Verdict.FailingStage(statuses);
            var result = new ProcessResult(process.CommandLine, Verdict.Of(statuses), process.StartTime, process.ExitTime, statuses);
            if (check && failing >= 0)
            {
                byte[] stderr = process.Exchange.Current?.Stderr[failing].ToArray() ?? [];
                string? stage = statuses.Count > 1
                    ? $"stage {failing + 1} of {statuses.Count} ('{process.StageCommandLine(failing)}')"
                    : null;
                throw new ProcessFailedException(process.CommandLine, statuses[failing], output.Stdout, stderr, stage);
            }
            return capture ? new CapturedResult(result, output) : result;
        }
        finally
        {
            if (synchronous)
            {
                process.Dispose();
            }
            else
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>After the tree was killed, collects what its pipes still hold, for a bounded time:
    /// a grandchild outside the group could keep them open forever.</summary>
    private static async ValueTask<ProcessOutput> DrainAsync(IRunningProcess process, bool synchronous)
    {
        if (process.Exchange.Current is not Communication communication)
        {
            return new ProcessOutput([], []);
        }
        await DrainAsync(process, communication, caller: null, synchronous, default).ConfigureAwait(false);
        return communication.Snapshot(release: true);
    }

    /// <summary>
    /// After the exit: reads on until end of file, for at most the drain timeout, counted from the
    /// moment the exit was seen; then whatever still holds the pipes is given up on. The bound is on
    /// total time, not on silence: a grandchild that keeps writing would otherwise keep the caller
    /// waiting for as long as it lives. What the child itself wrote is already in the pipe when it
    /// exits, and reading that takes far less than the drain timeout.
    /// </summary>
    private static async ValueTask DrainAsync(IRunningProcess process, Communication communication, CallerLoop? caller,
        bool synchronous, CancellationToken cancellationToken)
    {
        if (!await WaitAsync(communication.Done, caller, process.DrainTimeout, synchronous, cancellationToken).ConfigureAwait(false))
        {
            process.Exchange.Abandon(communication);
        }
    }

    private static ProcessTimeoutException TimedOut(IRunningProcess process, TimeSpan timeout, ProcessOutput? partial) =>
        new(process.CommandLine, timeout, partial?.Stdout ?? [], partial?.Stderr ?? []);
}

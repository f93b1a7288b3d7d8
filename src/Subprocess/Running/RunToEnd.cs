using Subprocess.Pipes;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

/// <summary>
/// <c>Run</c> and <c>Capture</c>, once, for commands and pipelines and for both twins: start, wait (or
/// collect, when capturing) within the timeout, end the tree on a timeout or a cancellation, check the
/// verdict, and always dispose. <see cref="JobRunner"/> runs its jobs through <see cref="CollectAsync"/>.
/// </summary>
internal static class RunToEnd
{
    /// <summary>Runs <paramref name="request"/> to its end and returns its result (a <see cref="CapturedResult"/>
    /// when <paramref name="capture"/>, for a request made <see cref="StartRequest.ForCapture"/>).</summary>
    /// <exception cref="ProcessStartException">A stage could not be started.</exception>
    /// <exception cref="ProcessFailedException">The verdict is a failure and checking is on.</exception>
    /// <exception cref="ProcessTimeoutException">The timeout passed; the tree has been ended.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the tree has been ended.</exception>
    public static async ValueTask<ProcessResult> RunAsync(StartRequest request, bool capture, ReadOnlyMemory<byte> input,
        Waiter waiter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!capture)
        {
            RefusePipes(request);
        }
        RunningStages run = Launcher.Start(request, waiter);
        try
        {
            (Communication? collected, bool timedOut) = await FinishAsync(run, capture, input, waiter, null, cancellationToken).ConfigureAwait(false);
            ProcessOutput output = collected?.Snapshot(run.Settings.Encoding, release: true) ?? new ProcessOutput([], []) { TextEncoding = run.Settings.Encoding };
            IReadOnlyList<ExitStatus> statuses = run.PollAll()!;
            run.ThrowIfFailed();
            if (timedOut)
            {
                throw new ProcessTimeoutException(run.CommandLine, run.Settings.Timeout!.Value, output.Stdout, output.Stderr, Verdict.Of(statuses));
            }
            int failing = Verdict.FailingStage(statuses);
            if (run.Settings.Check && failing >= 0)
            {
                byte[] stderr = collected?.Stderr[failing].ToArray() ?? [];
                string? stage = statuses.Count > 1
                    ? $"stage {failing + 1} of {statuses.Count} ({Launching.CommandLine.InMessage(run.StageCommandLine(failing))})"
                    : null;
                throw new ProcessFailedException(run.CommandLine, statuses[failing], output.Stdout, stderr, stage, run.Settings.Encoding);
            }
            var result = new ProcessResult(run.CommandLine, Verdict.Of(statuses), run.StartTime, run.ExitTime, statuses);
            return capture ? new CapturedResult(result, output) : result;
        }
        finally
        {
            await run.DisposeAsync(waiter, tree: true).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a job to its end as <see cref="JobRunner"/> wants it: output collected (spilled to files
    /// under <paramref name="spool"/> past a threshold), nothing thrown but a start failure. A timeout
    /// or a cancellation ends the tree and comes back in the outcome, with what was collected.
    /// </summary>
    /// <exception cref="ProcessStartException">A stage could not be started.</exception>
    /// <exception cref="SshConnectionException">A remote stage's host could not be reached, or was lost.</exception>
    public static async ValueTask<JobOutcome> CollectAsync(StartRequest request, Waiter waiter, string spool,
        CancellationToken cancellationToken)
    {
        RunningStages run = Launcher.Start(request.ForCapture(inputGiven: false), waiter);
        try
        {
            (Communication? collected, bool timedOut) = await FinishAsync(run, capture: true, default, waiter, spool, cancellationToken).ConfigureAwait(false);
            ExitStatus? verdict = run.Poll();
            if (run.Failure is { } lost)
            {
                collected?.Release(); // the job is run again elsewhere: its partial output is not wanted
                throw lost;
            }
            return new JobOutcome(verdict, collected, timedOut);
        }
        catch (OperationCanceledException)
        {
            return new JobOutcome(run.Poll(), run.Exchange.Current, TimedOut: false);
        }
        finally
        {
            await run.DisposeAsync(waiter, tree: true).ConfigureAwait(false);
        }
    }

    /// <summary>Waits (or collects) within the timeout; on a timeout, ends the tree and drains what is
    /// left; on a cancellation, ends the tree and lets the cancellation through.</summary>
    private static async ValueTask<(Communication? Collected, bool TimedOut)> FinishAsync(RunningStages run, bool capture,
        ReadOnlyMemory<byte> input, Waiter waiter, string? spool, CancellationToken cancellationToken)
    {
        TimeSpan? timeout = run.Settings.Timeout;
        try
        {
            if (capture)
            {
                return (await run.CollectAsync(waiter, input, timeout, cancellationToken, spool).ConfigureAwait(false), false);
            }
            if (await run.WaitAllAsync(waiter, timeout, cancellationToken).ConfigureAwait(false))
            {
                return (null, false);
            }
        }
        catch (ProcessTimeoutException)
        {
            // Ended below, with the drain.
        }
        catch (OperationCanceledException)
        {
            await run.EndAsync(waiter, tree: true, ChildTrace.Cancelled).ConfigureAwait(false);
            throw;
        }
        await run.EndAsync(waiter, tree: true, ChildTrace.Timeout).ConfigureAwait(false);
        return (await run.DrainAfterEndAsync(waiter).ConfigureAwait(false), true);
    }

    /// <summary>
    /// <c>Run</c> gives the caller no pipe to use: a child writing into one would stop once it filled
    /// (64 KiB) and wait forever, and one reading from one would never see its end. Refused before
    /// anything starts, naming the calls that do use pipes.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stream the caller could reach only through a handle is piped.</exception>
    /// <param name="request">What is to run.</param>
    /// <param name="call">The call refusing (Run, ReadLinesAsync).</param>
    /// <param name="outputs">Whether piped outputs count too (ReadLinesAsync reads them itself).</param>
    internal static void RefusePipes(StartRequest request, string call = "Run", bool outputs = true)
    {
        IReadOnlyList<CommandSpec> stages = request.Stages;
        string? piped = stages[0].Stdin.Kind == StdioKind.Pipe ? "stdin"
            : outputs && stages[^1].Stdout.Kind == StdioKind.Pipe ? "stdout"
            : outputs && stages.Any(stage => stage.Stderr.Kind == StdioKind.Pipe) ? "stderr"
            : null;
        // Any stream on the terminal: with stdin moved off it (WithStdin after WithTerminal), output to it
        // that nobody reads fills it as surely as a pipe's. (Only a command alone can have a terminal.)
        if (outputs && stages[0] is { } only && (only.Stdin.Kind == StdioKind.Terminal || only.Stdout.Kind == StdioKind.Terminal || only.Stderr.Kind == StdioKind.Terminal))
        {
            throw new InvalidOperationException(
                $"{Launching.CommandLine.InMessage(request.Settings.CommandLine)} has a terminal, but {call} gives no way to read it or type to it, and the child would " +
                "wait on it forever: use Capture or ReadLinesAsync to collect what it shows, or Start it and talk to it through its Terminal.");
        }
        if (piped is not null)
        {
            throw new InvalidOperationException(
                $"{Launching.CommandLine.InMessage(request.Settings.CommandLine)} has its {piped} piped, but {call} gives no way to use the pipe, and the child would " +
                "wait on it forever: use Capture to feed stdin and collect the output, or Start to use the pipes as it runs.");
        }
    }
}

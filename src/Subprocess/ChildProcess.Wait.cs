using Subprocess.Pipes;
using Subprocess.Native;
using Subprocess.Spawning;

namespace Subprocess;

public sealed partial class ChildProcess
{
    /// <summary>
    /// The exit status if the child has exited, else null (Python's <c>poll()</c>). Never blocks;
    /// reaps the child if it has just exited.
    /// </summary>
    /// <example><code>
    /// while (child.Poll() is null) { ShowSpinner(); await Task.Delay(100); }
    /// </code></example>
    public ExitStatus? Poll() => _control.Poll();

    /// <summary>
    /// Blocks until the child exits and returns its status (Python's <c>wait()</c>). With a
    /// <paramref name="timeout"/>, throws <see cref="ProcessTimeoutException"/> when it passes and
    /// leaves the child running. Does not read the child's pipes: a child that fills a piped stdout
    /// nobody reads will block; use <see cref="Communicate"/> for that.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">The child was still running after <paramref name="timeout"/>.</exception>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        ValidateTimeout(timeout);
        return Synchronously.Result(WaitCoreAsync(timeout, synchronous: true, default)) ?? throw TimedOut(timeout!.Value);
    }

    /// <summary>Completes when the child exits, with its status. Cancelling <paramref name="cancellationToken"/>
    /// ends the child (SIGTERM, grace period, SIGKILL: to its process group if it leads one, else to the
    /// child alone) and throws <see cref="OperationCanceledException"/>: cancellation means the work is
    /// no longer wanted.</summary>
    public Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        Execution.EndTreeIfCanceledAsync(this, async () =>
            (await WaitCoreAsync(null, synchronous: false, cancellationToken).ConfigureAwait(false))!.Value, cancellationToken);

    /// <summary>The one wait routine: poll first, then block (sync) or await (async) up to the timeout.
    /// Returns null when the timeout passed.</summary>
    internal async ValueTask<ExitStatus?> WaitCoreAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken)
    {
        ExitStatus? status = await WaitForExitAsync(timeout, synchronous, cancellationToken).ConfigureAwait(false);
        if (status is not null && _relaysDone is { IsOpen: false } relaysDone
            && !await relaysDone.WaitAsync(_plan.Spec.DrainTimeout, synchronous, cancellationToken).ConfigureAwait(false))
        {
            // Something the child started still holds the pipe: stop copying, as Communicate does.
            foreach (ChildPipe pipe in _relayedPipes)
            {
                pipe.Dispose();
            }
        }
        else if (status is not null && _relayCopies.Find(copy => copy.Error is not null) is Communication failed)
        {
            // The caller's stream refused the output (closed, full disk): say so rather than lose it quietly.
            throw new IOException($"Copying the output of '{CommandLine}' into the given stream failed: {failed.Error!.Message}", failed.Error);
        }
        return status;
    }

    private async ValueTask<ExitStatus?> WaitForExitAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken)
    {
        if (synchronous)
        {
            // WaitForExit returns at once for a child that has exited; a Poll first would only add a waitid.
            return _control.WaitForExit(timeout) ? Exit.Status : null;
        }
        if (Poll() is ExitStatus done)
        {
            return done;
        }
        try
        {
            return await Exit.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ends the child: SIGTERM (to its group when <paramref name="group"/>), up to the grace period
    /// for it to exit, SIGKILL if it has not. With a group, whatever is left of the group after the
    /// leader exits gets SIGKILL too, so no grandchild survives.
    /// </summary>
    internal async ValueTask<ExitStatus> EndTreeAsync(bool synchronous, bool group)
    {
        TimeSpan grace = _plan.Spec.GracePeriod;
        if (grace > TimeSpan.Zero && _control.Signal(Libc.SIGTERM, group))
        {
            await WaitCoreAsync(grace, synchronous, default).ConfigureAwait(false);
        }
        _control.Signal(Libc.SIGKILL, group);
        ExitStatus? status = await WaitCoreAsync(null, synchronous, default).ConfigureAwait(false);
        return status!.Value;
    }

    private ProcessTimeoutException TimedOut(TimeSpan timeout) => new(CommandLine, timeout, [], []);

    internal static void ValidateTimeout(TimeSpan? timeout)
    {
        if (timeout is TimeSpan t && t != Timeout.InfiniteTimeSpan)
        {
            Command.PositiveTimeout(t, "pass null to wait without one");
        }
    }

    Exchange IRunningProcess.Exchange => _exchange;

    DateTimeOffset IRunningProcess.ExitTime => Exit.ExitTime;

    Task IRunningProcess.Exited => Exit.Task;

    TimeSpan IRunningProcess.DrainTimeout => _plan.Spec.DrainTimeout;

    long IRunningProcess.MaxOutput => _plan.Spec.MaxOutput;

    IReadOnlyList<ExitStatus>? IRunningProcess.PollAll() => Poll() is ExitStatus status ? [status] : null;

    string IRunningProcess.StageCommandLine(int index) => CommandLine;

    async ValueTask<bool> IRunningProcess.WaitAllAsync(TimeSpan? timeout, bool synchronous, CancellationToken cancellationToken) =>
        await WaitCoreAsync(timeout, synchronous, cancellationToken).ConfigureAwait(false) is not null;

    CallerLoop? IRunningProcess.OpenCallerLoop() => CallerLoop.TryCreate(_control);

    async ValueTask IRunningProcess.EndTreeAsync(bool synchronous) =>
        await EndTreeAsync(synchronous, group: true).ConfigureAwait(false);
}

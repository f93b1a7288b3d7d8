using Subprocess.Waiting;

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
    public ExitStatus? Poll() => _run.Poll();

    /// <summary>
    /// Blocks until the child exits and returns its status (Python's <c>wait()</c>). With a
    /// <paramref name="timeout"/>, throws <see cref="ProcessTimeoutException"/> when it passes and
    /// leaves the child running. Does not read the child's pipes: a child that fills a piped stdout
    /// nobody reads will block; use <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> for that.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">The child was still running after <paramref name="timeout"/>.</exception>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        timeout = ValidTimeout(timeout);
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(_run.WaitAsync(waiter, timeout, default));
    }

    /// <summary>Completes when the child exits, with its status. Cancelling <paramref name="cancellationToken"/>
    /// ends the child (SIGTERM, grace period, SIGKILL: to its process group if it leads one, else to the
    /// child alone) and throws <see cref="OperationCanceledException"/>: cancellation means the work is
    /// no longer wanted.</summary>
    public Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        _run.WaitAsync(Waiter.Awaiting, null, cancellationToken).AsTask();

    /// <summary>Completes when the child exits, with its status; once <paramref name="timeout"/> passes, throws
    /// <see cref="ProcessTimeoutException"/> and leaves the child running, as <see cref="Wait"/> does (Python's
    /// <c>wait(timeout)</c>). Cancelling <paramref name="cancellationToken"/> ends the child, as it does for
    /// <see cref="WaitAsync(CancellationToken)"/>.</summary>
    /// <example><code>
    /// try { await child.WaitAsync(TimeSpan.FromSeconds(5)); }
    /// catch (ProcessTimeoutException) { child.Terminate(); }
    /// </code></example>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">The child was still running after <paramref name="timeout"/>.</exception>
    public Task<ExitStatus> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _run.WaitAsync(Waiter.Awaiting, ValidTimeout(timeout), cancellationToken).AsTask();

    /// <summary>A timeout for <c>Wait</c> and <c>Communicate</c>: null (and <see cref="Timeout.InfiniteTimeSpan"/>)
    /// for none; zero or less is refused.</summary>
    internal static TimeSpan? ValidTimeout(TimeSpan? timeout)
    {
        if (timeout is not TimeSpan t || t == Timeout.InfiniteTimeSpan)
        {
            return null;
        }
        Command.PositiveTimeout(t, "pass null to wait without one");
        return t;
    }
}

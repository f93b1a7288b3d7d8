using Subprocess.Waiting;

namespace Subprocess;

public sealed partial class ChildProcess
{
    /// <summary>
    /// Python's <c>communicate()</c>: writes <paramref name="input"/> to the child's stdin and closes
    /// it, while reading stdout and stderr to their ends, all at once so no pipe can fill up and
    /// deadlock; then waits for the child to exit. Streams that were not piped come back empty.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="timeout"/>, throws <see cref="ProcessTimeoutException"/> (carrying the
    /// output so far) and leaves the child running, as Python does: call <see cref="Terminate"/> and
    /// <see cref="Wait"/>, or call <see cref="Communicate"/> again, which resumes without losing
    /// output (the input is not written twice). A child that closes stdin early is not an error.
    /// </remarks>
    /// <exception cref="InvalidOperationException"><paramref name="input"/> is not empty but stdin was not piped.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">The timeout passed first.</exception>
    public ProcessOutput Communicate(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null)
    {
        timeout = ValidTimeout(timeout);
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(_run.CommunicateAsync(waiter, input, timeout, default));
    }

    /// <summary>The async twin of <see cref="Communicate"/>. Cancelling <paramref name="cancellationToken"/>,
    /// unlike a timeout, ends the child (SIGTERM, grace period, SIGKILL: to its process group if it
    /// leads one, else to the child alone) and throws <see cref="OperationCanceledException"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        timeout = ValidTimeout(timeout);
        return _run.CommunicateAsync(Waiter.Awaiting, input, timeout, cancellationToken).AsTask();
    }
}

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
    /// <see cref="Wait"/>, or call <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> again, which resumes without losing
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

    /// <summary>The async twin of <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/>. Cancelling <paramref name="cancellationToken"/>,
    /// unlike a timeout, ends the child (SIGTERM, grace period, SIGKILL: to its process group if it
    /// leads one, else to the child alone) and throws <see cref="OperationCanceledException"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        timeout = ValidTimeout(timeout);
        return _run.CommunicateAsync(Waiter.Awaiting, input, timeout, cancellationToken).AsTask();
    }

    /// <summary><see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> with text as input, encoded as
    /// UTF-8 (or as the command's <c>WithEncoding</c> says): Python's <c>communicate(input="...")</c> with
    /// <c>text=True</c>.</summary>
    /// <example><code>string sorted = child.Communicate("b\na\n").StdoutText;</code></example>
    public ProcessOutput Communicate(string input, TimeSpan? timeout = null) => Communicate(_run.Encode(input), timeout);

    /// <summary>The async twin of <see cref="Communicate(string, TimeSpan?)"/>.</summary>
    public Task<ProcessOutput> CommunicateAsync(string input, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CommunicateAsync(_run.Encode(input), timeout, cancellationToken);

    /// <summary>
    /// The lines of whichever of the child's stdout and stderr are piped, as they arrive, until it has
    /// exited and they are drained (see <see cref="Command.ReadLinesAsync"/> for a command run to its
    /// end). No check and no timeout apply, and leaving the loop leaves the child running: it is the
    /// caller's, ended by its <see cref="Dispose"/>. Its output can be read this way once, and not
    /// also through <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/>.
    /// </summary>
    /// <example><code>
    /// await using ChildProcess server = Command.Create("my-server").WithStdout(Stdio.Pipe).Start();
    /// await foreach (OutputLine line in server.ReadLinesAsync())
    ///     if (line.Text.Contains("listening")) break;      // the server keeps running
    /// </code></example>
    /// <exception cref="InvalidOperationException">Neither stream is piped, or the output is read already.</exception>
    public IAsyncEnumerable<OutputLine> ReadLinesAsync(CancellationToken cancellationToken = default) =>
        Running.LineReading.OfStarted(_run, cancellationToken);
}

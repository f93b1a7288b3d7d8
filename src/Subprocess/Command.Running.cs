using Subprocess.Running;
using Subprocess.Waiting;

namespace Subprocess;

public sealed partial class Command
{
    /// <summary>
    /// Starts the child and returns at once (Python's <c>Popen</c>). The caller owns the result:
    /// dispose it, which ends the child if it is still running. <see cref="WithTimeout"/> and
    /// <see cref="WithCheck"/> do not apply here; pass a timeout to <see cref="ChildProcess.Wait"/>
    /// or <see cref="ChildProcess.Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> instead.
    /// </summary>
    /// <exception cref="ProcessStartException">The program is missing, not executable or a directory, or the working directory is missing.</exception>
    public ChildProcess Start() => new(Launcher.Start(StartRequest.Of(_spec), Waiter.Awaiting));

    /// <summary>
    /// Runs the command to its end with stdin, stdout and stderr as configured (inherited by
    /// default) and returns how it ended (Python's <c>subprocess.run</c>).
    /// </summary>
    /// <exception cref="ProcessStartException">The child could not be started.</exception>
    /// <exception cref="ProcessFailedException">It did not exit with code 0 and checking is on (the default).</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; it has been ended, with its process group where it has one.</exception>
    /// <exception cref="InvalidOperationException">A stream is set to <see cref="Stdio.Pipe"/>, which Run gives no way
    /// to use (the child would wait on it forever): use <see cref="Capture(ReadOnlyMemory{byte})"/> or <see cref="Start"/>.</exception>
    public ProcessResult Run()
    {
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(RunToEnd.RunAsync(Request(capture: false, inputGiven: false, default), capture: false, default, waiter, default));
    }

    /// <summary>
    /// The async twin of <see cref="Run"/>. Cancelling <paramref name="cancellationToken"/> ends the
    /// child's whole tree as a timeout does (SIGTERM to its process group, the grace period, SIGKILL),
    /// then throws <see cref="OperationCanceledException"/> carrying that token.
    /// </summary>
    /// <remarks>
    /// So that cancelling can reach grandchildren, a token that can be cancelled starts the child in
    /// its own process group, as a timeout does (<see cref="WithNewProcessGroup"/>), unless the child
    /// reads this process's terminal (a stdin left at <see cref="Stdio.Inherit"/> that is a terminal,
    /// or a stdout or stderr under <c>stty tostop</c>): outside the terminal's foreground group such a
    /// child would be stopped as soon as it read the terminal. That child stays in this process's group, and
    /// cancelling ends it alone; use <see cref="WithNewProcessGroup"/> to choose the group anyway.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A stream is set to <see cref="Stdio.Pipe"/> (see <see cref="Run"/>).</exception>
    public async Task<ProcessResult> RunAsync(CancellationToken cancellationToken = default) =>
        await RunToEnd.RunAsync(Request(capture: false, inputGiven: false, cancellationToken), capture: false, default, Waiter.Awaiting, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>
    /// Runs the command to its end, feeding it <paramref name="input"/> and capturing stdout and
    /// stderr (Python's <c>run(capture_output=True, input=...)</c>). Streams left at
    /// <see cref="Stdio.Inherit"/> are piped and captured; stdin is piped when input is given.
    /// </summary>
    /// <example><code>string sum = Command.Create("sha256sum").Capture(data).StdoutText[..64];</code></example>
    /// <exception cref="ProcessStartException">The child could not be started.</exception>
    /// <exception cref="ProcessFailedException">It did not exit with code 0 and checking is on; carries the output.</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; carries the output so far.</exception>
    public CapturedResult Capture(ReadOnlyMemory<byte> input = default)
    {
        using Waiter waiter = Waiter.Blocking();
        return (CapturedResult)Synchronously.Result(RunToEnd.RunAsync(Request(capture: true, !input.IsEmpty, default), capture: true, input, waiter, default));
    }

    /// <summary>
    /// <see cref="Capture(ReadOnlyMemory{byte})"/> with text as input, encoded as UTF-8 (or as
    /// <see cref="WithEncoding"/> says): Python's <c>run(input="...", text=True)</c>. Stdin is piped even for
    /// an empty string, so the child reads end of file at once.
    /// </summary>
    /// <example><code>string sorted = Command.Create("sort").Capture("b\na\n").StdoutText; // "a\nb\n"</code></example>
    public CapturedResult Capture(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = _spec.Encoding.GetBytes(input);
        using Waiter waiter = Waiter.Blocking();
        return (CapturedResult)Synchronously.Result(RunToEnd.RunAsync(Request(capture: true, inputGiven: true, default), capture: true, bytes, waiter, default));
    }

    /// <summary>The async twin of <see cref="Capture(ReadOnlyMemory{byte})"/>; cancelling <paramref name="cancellationToken"/> ends the
    /// child's whole tree and throws <see cref="OperationCanceledException"/>, as for <see cref="RunAsync"/>
    /// (a token that can be cancelled starts the child in its own process group).</summary>
    public async Task<CapturedResult> CaptureAsync(ReadOnlyMemory<byte> input = default, CancellationToken cancellationToken = default) =>
        (CapturedResult)await RunToEnd.RunAsync(Request(capture: true, !input.IsEmpty, cancellationToken), capture: true, input, Waiter.Awaiting, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The async twin of <see cref="Capture(string)"/>.</summary>
    public async Task<CapturedResult> CaptureAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = _spec.Encoding.GetBytes(input);
        return (CapturedResult)await RunToEnd.RunAsync(Request(capture: true, inputGiven: true, cancellationToken), capture: true, bytes, Waiter.Awaiting, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the command and yields the lines of its stdout and stderr as they arrive, in the order
    /// they arrive (where the command sends neither elsewhere): Python's <c>for line in p.stdout</c>,
    /// CliWrap's <c>ListenAsync</c>. Ends once the child has exited and both streams are drained; the
    /// command's check and timeout apply as in <see cref="Run"/>, the exception coming after the last
    /// line. Leaving the loop early (<c>break</c>, an exception, cancellation) ends the child's tree.
    /// </summary>
    /// <example><code>
    /// await foreach (OutputLine line in Command.Create("dotnet", "build").ReadLinesAsync())
    ///     Console.WriteLine($"{line.Stream}: {line.Text}");
    /// </code></example>
    /// <exception cref="ProcessStartException">The child could not be started.</exception>
    /// <exception cref="ProcessFailedException">It did not exit with code 0 and checking is on; carries the tail of stderr.</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; its tree has been ended.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the tree has been ended.</exception>
    /// <exception cref="InvalidOperationException">Its stdin is set to <see cref="Stdio.Pipe"/>, which nothing would feed.</exception>
    public IAsyncEnumerable<OutputLine> ReadLinesAsync(CancellationToken cancellationToken = default) =>
        LineReading.Of(StartRequest.Of(_spec), cancellationToken);

    /// <summary>The command as Run or Capture starts it. A call that can be cancelled must be able to
    /// end the tree, as a timeout does (see <see cref="StartRequest.GetsProcessGroup"/>).</summary>
    private StartRequest Request(bool capture, bool inputGiven, CancellationToken cancellationToken)
    {
        StartRequest request = StartRequest.Of(_spec);
        if (capture)
        {
            request = request.ForCapture(inputGiven);
        }
        return cancellationToken.CanBeCanceled && request.Group == GroupNeed.None ? request with { Group = GroupNeed.ToEndTheTree } : request;
    }
}

using Subprocess.Launching;
using Subprocess.Spawning;

namespace Subprocess;

public sealed partial class Command
{
    /// <summary>
    /// Starts the child and returns at once (Python's <c>Popen</c>). The caller owns the result:
    /// dispose it, which ends the child if it is still running. <see cref="WithTimeout"/> and
    /// <see cref="WithCheck"/> do not apply here; pass a timeout to <see cref="ChildProcess.Wait"/>
    /// or <see cref="ChildProcess.Communicate"/> instead.
    /// </summary>
    /// <exception cref="ProcessStartException">The program is missing, not executable or a directory, or the working directory is missing.</exception>
    public ChildProcess Start() => Launch(_spec);

    /// <summary>
    /// Runs the command to its end with stdin, stdout and stderr as configured (inherited by
    /// default) and returns how it ended (Python's <c>subprocess.run</c>).
    /// </summary>
    /// <exception cref="ProcessStartException">The child could not be started.</exception>
    /// <exception cref="ProcessFailedException">It did not exit with code 0 and checking is on (the default).</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; its process group has been ended.</exception>
    public ProcessResult Run() => Synchronously.Result(ExecuteAsync(capture: false, default, synchronous: true, default));

    /// <summary>
    /// The asynchronous <see cref="Run"/>. Cancelling <paramref name="cancellationToken"/> ends the
    /// child's whole tree as a timeout does (SIGTERM to its process group, the grace period, SIGKILL),
    /// then throws <see cref="OperationCanceledException"/> carrying that token.
    /// </summary>
    /// <remarks>
    /// So that cancelling can reach grandchildren, a token that can be cancelled starts the child in
    /// its own process group, as a timeout does (<see cref="WithNewProcessGroup"/>), unless the child
    /// would share this process's terminal (a stdin, stdout or stderr left at <see cref="Stdio.Inherit"/>
    /// that is a terminal): outside the terminal's foreground group such a child would be stopped as
    /// soon as it read the terminal or set its modes. That child stays in this process's group, and
    /// cancelling ends it alone; use <see cref="WithNewProcessGroup"/> to choose the group anyway.
    /// </remarks>
    public async Task<ProcessResult> RunAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync(capture: false, default, synchronous: false, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs the command to its end, feeding it <paramref name="input"/> and capturing stdout and
    /// stderr (Python's <c>run(capture_output=True, input=...)</c>). Streams left at
    /// <see cref="Stdio.Inherit"/> are piped and captured; stdin is piped when input is given.
    /// </summary>
    /// <example><code>string sum = Command.Create("sha256sum").Capture(data).StdoutText[..64];</code></example>
    /// <exception cref="ProcessStartException">The child could not be started.</exception>
    /// <exception cref="ProcessFailedException">It did not exit with code 0 and checking is on; carries the output.</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; carries the output so far.</exception>
    public CapturedResult Capture(ReadOnlyMemory<byte> input = default) =>
        (CapturedResult)Synchronously.Result(ExecuteAsync(capture: true, input, synchronous: true, default));

    /// <summary>The asynchronous <see cref="Capture"/>; cancelling <paramref name="cancellationToken"/> ends the
    /// child's whole tree and throws <see cref="OperationCanceledException"/>, as for <see cref="RunAsync"/>
    /// (a token that can be cancelled starts the child in its own process group).</summary>
    public async Task<CapturedResult> CaptureAsync(ReadOnlyMemory<byte> input = default, CancellationToken cancellationToken = default) =>
        (CapturedResult)await ExecuteAsync(capture: true, input, synchronous: false, cancellationToken).ConfigureAwait(false);

    private static ChildProcess Launch(CommandSpec spec) => (spec.Spawner ?? Spawners.Default).Start(LaunchPlan.Create(spec));

    private CommandSpec CaptureSpec(bool inputGiven)
    {
        CommandSpec spec = _spec;
        if (inputGiven && spec.Stdin.Kind != StdioKind.Pipe)
        {
            spec = spec.Stdin.Kind == StdioKind.Inherit
                ? spec with { Stdin = Stdio.Pipe }
                : throw new InvalidOperationException($"Input was given but stdin is set to {spec.Stdin}.");
        }
        return spec with
        {
            Stdout = spec.Stdout.Kind == StdioKind.Inherit ? Stdio.Pipe : spec.Stdout,
            Stderr = spec.Stderr.Kind == StdioKind.Inherit ? Stdio.Pipe : spec.Stderr,
        };
    }

    /// <summary>Whether the child would get one of this process's standard streams that is a terminal.</summary>
    private static bool InheritsTerminal(CommandSpec spec)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        bool stdoutIsTerminal = spec.Stdout.Kind == StdioKind.Inherit && Native.Libc.isatty(1) == 1;
        return (spec.Stdin.Kind == StdioKind.Inherit && Native.Libc.isatty(0) == 1)
            || stdoutIsTerminal
            || (spec.Stderr.Kind == StdioKind.Inherit && Native.Libc.isatty(2) == 1)
            || (spec.Stderr.Kind == StdioKind.ToStdout && stdoutIsTerminal);
    }

    /// <summary>The core of Run, Capture and their async twins.</summary>
    private ValueTask<ProcessResult> ExecuteAsync(bool capture, ReadOnlyMemory<byte> input, bool synchronous,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A synchronous Run or Capture waits for the exit on the calling thread and disposes the child
        // before returning, so the event loop need not watch it: no registration, no wake-up of the
        // loop thread, no contention with it for the reap.
        CommandSpec spec = capture ? CaptureSpec(!input.IsEmpty) : _spec;
        if (synchronous)
        {
            spec = spec with { DeferReaping = true };
        }
        if (cancellationToken.CanBeCanceled && !InheritsTerminal(spec))
        {
            // Cancelling must end the tree, as a timeout does, and only a group reaches the whole tree.
            // Not for a child that shares our terminal: outside the foreground group it would be
            // stopped (SIGTTIN, SIGTTOU) the moment it read the terminal or set its modes, as a
            // pager, a password prompt or an editor does, and hang until cancelled.
            spec = spec with { NewProcessGroup = true };
        }
        ChildProcess child = Launch(spec);
        return Execution.RunAsync(child, capture, input, _spec.Timeout, _spec.Check, synchronous, cancellationToken);
    }
}

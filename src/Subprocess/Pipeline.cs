using System.Collections.Immutable;
using Subprocess.Running;
using Subprocess.Waiting;

namespace Subprocess;

/// <summary>
/// A description of commands joined stdout-to-stdin (<c>a | b | c</c>), built with the <c>|</c>
/// operator. Immutable, like <see cref="Command"/>, with the same <c>Start</c>, <c>Run</c> and
/// <c>Capture</c> surface. On Linux the stages are joined by kernel pipes: the parent never touches
/// a byte that flows between them, and all stages share one process group, so a timeout ends them
/// all with what they started (unless the first reads this process's terminal: see <see cref="Command.WithTimeout"/>). Stdin comes from the first command's setting, stdout from the last's; each stage's stderr
/// goes where its own command says (inherited by default).
/// </summary>
/// <remarks>
/// The verdict follows bash's <c>pipefail</c>: the pipeline fails if any stage fails, and the
/// right-most failing stage speaks for it, except that a stage killed by SIGPIPE because a later
/// stage stopped reading (<c>yes | head -1</c>) has not failed. A stage's own timeout, grace period
/// and check are not used: set them on the pipeline. The portable spawner copies between stages
/// through the parent.
/// </remarks>
/// <example><code>
/// var pipeline = Command.Create("git", "log", "--format=%an") | Command.Create("sort") | Command.Create("uniq", "-c");
/// string authors = pipeline.Capture().StdoutText;
/// </code></example>
public sealed class Pipeline
{
    private readonly ImmutableList<Command> _commands;
    private readonly RunSettings _settings;

    private Pipeline(ImmutableList<Command> commands, RunSettings settings)
    {
        _commands = commands;
        _settings = settings;
    }

    /// <summary>The stages, first to last.</summary>
    public IReadOnlyList<Command> Commands => _commands;

    /// <summary>The timeout set by <see cref="WithTimeout"/>, or null.</summary>
    public TimeSpan? Timeout => _settings.Timeout;

    /// <summary>The pipeline as a shell would write it: <c>a | b | c</c>.</summary>
    public override string ToString() => _settings.CommandLine;

    /// <summary>Appends <paramref name="right"/> as a new last stage.</summary>
    /// <exception cref="ArgumentException">The streams the pipe joins are set elsewhere, or <paramref name="right"/> has its own timeout.</exception>
    public static Pipeline operator |(Pipeline left, Command right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Then(right);
    }

    /// <summary>The named form of <c>|</c>: appends <paramref name="next"/> as a new last stage.</summary>
    public Pipeline Then(Command next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Joinable(_commands[^1], next);
        ImmutableList<Command> commands = _commands.Add(next);
        return new(commands, _settings with { Display = Named(commands), Encoding = next.Spec.Encoding });
    }

    /// <summary>Where the first stage reads from: <see cref="Command.WithStdin"/> on it, set on the pipeline.</summary>
    /// <example><code>
    /// (Command.Create("sort") | Command.Create("uniq", "-c")).WithStdin(Stdio.File("words.txt")).Run();
    /// </code></example>
    /// <exception cref="ArgumentException">As for <see cref="Command.WithStdin"/>.</exception>
    public Pipeline WithStdin(Stdio stdin) => WithStage(0, _commands[0].WithStdin(stdin));

    /// <summary>Where the last stage writes: <see cref="Command.WithStdout"/> on it, set on the pipeline.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Command.WithStdout"/>.</exception>
    public Pipeline WithStdout(Stdio stdout) => WithStage(_commands.Count - 1, _commands[^1].WithStdout(stdout));

    /// <summary>Where every stage's stderr goes (as a shell's <c>{ a | b; } 2&gt; file</c> sends it), each to
    /// a file or stream of its own choosing when set on the stage later.</summary>
    /// <exception cref="ArgumentException"><see cref="Stdio.ToStdout"/> for a pipeline of several stages, where
    /// it would send each stage's stderr into the pipe to the next: set it on a command instead.</exception>
    public Pipeline WithStderr(Stdio stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (stderr.Kind == StdioKind.ToStdout && _commands.Count > 1)
        {
            throw new ArgumentException("Stdio.ToStdout on a pipeline would send each stage's stderr into the pipe to the next stage; set it on the command whose stderr should join its stdout.", nameof(stderr));
        }
        Pipeline result = this;
        for (int i = 0; i < _commands.Count; i++)
        {
            result = result.WithStage(i, _commands[i].WithStderr(stderr));
        }
        return result;
    }

    private Pipeline WithStage(int index, Command command)
    {
        ImmutableList<Command> commands = _commands.SetItem(index, command);
        return new(commands, _settings with { Display = Named(commands) });
    }

    /// <summary>How text is encoded going in and decoded coming out, as <see cref="Command.WithEncoding"/>
    /// says for a command; by default, the last stage's.</summary>
    /// <exception cref="ArgumentException">An encoding that does not write <c>\n</c> as the single byte 0x0A.</exception>
    public Pipeline WithEncoding(System.Text.Encoding encoding) => new(_commands, _settings with { Encoding = Command.LineCompatible(encoding) });

    /// <summary>Run and Capture end every stage after <paramref name="timeout"/> (SIGTERM to the
    /// pipeline's process group, or each stage where they read this process's terminal; the grace period, SIGKILL) and throw <see cref="ProcessTimeoutException"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    public Pipeline WithTimeout(TimeSpan timeout)
    {
        Command.PositiveTimeout(timeout, "to run without one, do not call WithTimeout");
        return new(_commands, _settings with { Timeout = timeout });
    }

    /// <summary>Time between SIGTERM and SIGKILL when the pipeline is ended (default 2 s).</summary>
    public Pipeline WithGracePeriod(TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        return new(_commands, _settings with { GracePeriod = gracePeriod });
    }

    /// <summary>How long, at most, pipes are still read after every stage has exited (default 1 s); see <see cref="Command.WithDrainTimeout"/>.</summary>
    public Pipeline WithDrainTimeout(TimeSpan drainTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drainTimeout, TimeSpan.Zero);
        return new(_commands, _settings with { DrainTimeout = drainTimeout });
    }

    /// <summary>The most bytes captured from the last stage's stdout and from each stage's stderr; see <see cref="Command.WithMaxOutput"/>.</summary>
    public Pipeline WithMaxOutput(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        return new(_commands, _settings with { MaxOutput = maxBytes });
    }

    /// <summary>Whether Run and Capture throw <see cref="ProcessFailedException"/> when a stage fails (default true).</summary>
    public Pipeline WithCheck(bool check) => new(_commands, _settings with { Check = check });

    /// <summary>Starts every stage and returns at once. Every program is resolved before any stage
    /// starts, so a missing one fails here with nothing left running.</summary>
    /// <exception cref="ProcessStartException">A stage could not be started.</exception>
    public PipelineProcess Start() => new(Launcher.Start(Request, Waiter.Awaiting));

    /// <summary>Runs every stage to its end; the result holds every stage's status.</summary>
    /// <exception cref="ProcessFailedException">A stage failed (see the class remarks) and checking is on.</exception>
    /// <exception cref="ProcessTimeoutException">The pipeline ran past its timeout; every stage has been ended.</exception>
    /// <exception cref="InvalidOperationException">A stream is set to <see cref="Stdio.Pipe"/>, which Run gives no way to use.</exception>
    public ProcessResult Run()
    {
        using Waiter waiter = Waiter.Blocking();
        return Synchronously.Result(RunToEnd.RunAsync(Request, capture: false, default, waiter, default));
    }

    /// <summary>The async twin of <see cref="Run"/>; cancellation ends every stage and throws <see cref="OperationCanceledException"/>.</summary>
    /// <exception cref="InvalidOperationException">A stream is set to <see cref="Stdio.Pipe"/>, which Run gives no way to use.</exception>
    public async Task<ProcessResult> RunAsync(CancellationToken cancellationToken = default) =>
        await RunToEnd.RunAsync(Request, capture: false, default, Waiter.Awaiting, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs every stage, feeding <paramref name="input"/> to the first and capturing the last
    /// stage's stdout and every stage's stderr (in stage order) where they were left inherited.</summary>
    public CapturedResult Capture(ReadOnlyMemory<byte> input = default)
    {
        using Waiter waiter = Waiter.Blocking();
        return (CapturedResult)Synchronously.Result(RunToEnd.RunAsync(Request.ForCapture(!input.IsEmpty), capture: true, input, waiter, default));
    }

    /// <summary>The async twin of <see cref="Capture(ReadOnlyMemory{byte})"/>.</summary>
    public async Task<CapturedResult> CaptureAsync(ReadOnlyMemory<byte> input = default, CancellationToken cancellationToken = default) =>
        (CapturedResult)await RunToEnd.RunAsync(Request.ForCapture(!input.IsEmpty), capture: true, input, Waiter.Awaiting, cancellationToken)
            .ConfigureAwait(false);

    /// <summary><see cref="Capture(ReadOnlyMemory{byte})"/> with text as input, encoded as UTF-8 (or as
    /// <see cref="WithEncoding"/> says); stdin is piped even for an empty string.</summary>
    public CapturedResult Capture(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = _settings.Encoding.GetBytes(input);
        using Waiter waiter = Waiter.Blocking();
        return (CapturedResult)Synchronously.Result(RunToEnd.RunAsync(Request.ForCapture(inputGiven: true), capture: true, bytes, waiter, default));
    }

    /// <summary>The async twin of <see cref="Capture(string)"/>.</summary>
    public async Task<CapturedResult> CaptureAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = _settings.Encoding.GetBytes(input);
        return (CapturedResult)await RunToEnd.RunAsync(Request.ForCapture(inputGiven: true), capture: true, bytes, Waiter.Awaiting, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A pipeline of <paramref name="commands"/> in order; one command makes a pipeline of one
    /// stage, which runs like the command but reports as a pipeline.</summary>
    /// <exception cref="ArgumentException">No commands, or two neighbours cannot be joined (see <c>|</c>).</exception>
    public static Pipeline Create(params IEnumerable<Command> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ImmutableList<Command> list = [.. commands];
        if (list.Count == 0)
        {
            throw new ArgumentException("A pipeline needs at least one command.", nameof(commands));
        }
        for (int i = 0; i < list.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(list[i], nameof(commands));
            if (i > 0)
            {
                Joinable(list[i - 1], list[i]);
            }
        }
        if (list.Count == 1 && list[0].Timeout is not null)
        {
            throw new ArgumentException($"'{list[0]}' has its own timeout; in a pipeline, set it on the pipeline.", nameof(commands));
        }
        return new(list, new RunSettings(Named(list), Timeout: null, CommandSpec.DefaultGracePeriod, CommandSpec.DefaultDrainTimeout,
            MaxOutput: long.MaxValue, Check: true, Detached: false) { Encoding = list[^1].Spec.Encoding });
    }

    internal static Pipeline Of(Command first, Command second) => Create(first, second);

    /// <summary>The pipeline's command line, <c>a | b | c</c>, made when first asked for.</summary>
    private static Lazy<string> Named(ImmutableList<Command> commands) => new(() => string.Join(" | ", commands));

    /// <summary><see cref="Command.ReadLinesAsync"/> for the pipeline: the last stage's stdout and every
    /// stage's stderr, line by line as they arrive; the verdict and the check apply at the end (the
    /// failing stage's stderr in its exception).</summary>
    /// <exception cref="ProcessFailedException">The verdict is a failure and checking is on.</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <see cref="WithTimeout"/>; the stages have been ended.</exception>
    /// <exception cref="InvalidOperationException">The first stage's stdin is set to <see cref="Stdio.Pipe"/>.</exception>
    public IAsyncEnumerable<OutputLine> ReadLinesAsync(CancellationToken cancellationToken = default) =>
        LineReading.Of(Request, cancellationToken);

    /// <summary>The pipeline as the launcher starts it: every stage in one process group, unless one reads this process's terminal.</summary>
    internal StartRequest Request => new([.. _commands.Select(command => command.Spec)], _settings, GroupNeed.ToEndTheTree);

    private static void Joinable(Command left, Command right)
    {
        if (left.Spec.Stdout.Kind != StdioKind.Inherit)
        {
            throw new ArgumentException($"'{left}' has its stdout set to {left.Spec.Stdout}, but '|' sends it to the next stage.", nameof(left));
        }
        if (right.Spec.Stdin.Kind != StdioKind.Inherit)
        {
            throw new ArgumentException($"'{right}' has its stdin set to {right.Spec.Stdin}, but '|' feeds it from the previous stage.", nameof(right));
        }
        foreach (Command command in (Command[])[left, right])
        {
            if (command.Spec.Stdin is Stdio.TerminalTarget || command.Spec.Stdout is Stdio.TerminalTarget || command.Spec.Stderr is Stdio.TerminalTarget)
            {
                throw new ArgumentException(
                    $"{Launching.CommandLine.InMessage(command.ToString())} has a terminal (WithTerminal), and leads a session of its own, so it cannot be a stage of a pipeline; " +
                    "run the pipeline on the terminal instead: Command.Create(\"sh\", \"-c\", \"a | b\").WithTerminal().");
            }
            if (command.Timeout is not null)
            {
                throw new ArgumentException($"{Launching.CommandLine.InMessage(command.ToString())} has its own timeout; in a pipeline, set it on the pipeline: (a | b).WithTimeout(...).");
            }
        }
    }

}

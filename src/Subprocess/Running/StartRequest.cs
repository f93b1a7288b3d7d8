namespace Subprocess.Running;

/// <summary>
/// What the public entry points hand to the <see cref="Launcher"/>: a pipeline's stages (a command is
/// a pipeline of one), what applies to them as a whole, and whether they get a process group.
/// </summary>
/// <param name="Stages">What each stage's command says, first to last.</param>
/// <param name="Settings">What applies to the whole.</param>
/// <param name="Group">Why the stages would lead a process group of their own; see <see cref="GetsProcessGroup"/>.</param>
internal sealed record StartRequest(IReadOnlyList<CommandSpec> Stages, RunSettings Settings, GroupNeed Group)
{
    /// <summary>A command run on its own: a timeout or an output limit must be able to end its tree.</summary>
    public static StartRequest Of(CommandSpec command) => new([command], RunSettings.Of(command),
        command.Timeout is not null || command.MaxOutput != long.MaxValue ? GroupNeed.ToEndTheTree : GroupNeed.None);

    /// <summary>
    /// Whether the first stage leads a new process group and the others join it. Always when a command
    /// asked for one (<c>WithNewProcessGroup</c>, <c>Detached</c>) or <see cref="Group"/> says so. When
    /// the tree should be reachable (<see cref="GroupNeed.ToEndTheTree"/>), unless a stage reads this
    /// process's terminal: outside the terminal's foreground group it would be stopped (SIGTTIN) at its
    /// first read, as a prompt does, and hang until ended (or at its first write, under <c>stty tostop</c>).
    /// Such stages stay in this process's group, as <c>timeout --foreground</c> keeps its child, and are
    /// ended one by one.
    /// </summary>
    public bool GetsProcessGroup
    {
        get
        {
            bool asked = Group == GroupNeed.Always, sharesTerminal = false;
            for (int i = 0; i < Stages.Count; i++)
            {
                asked |= Stages[i].NewProcessGroup;
                sharesTerminal |= Group == GroupNeed.ToEndTheTree && SharesTerminal(Stages[i], first: i == 0, last: i == Stages.Count - 1);
            }
            return asked || Group == GroupNeed.ToEndTheTree && !sharesTerminal;
        }
    }

    /// <summary>Whether the stage would use this process's terminal in a way that stops a process outside
    /// its foreground group: reading it (stdin left inherited, and a terminal), or writing to it where
    /// <c>stty tostop</c> is set. Between stages, stdin and stdout are the pipes that join them.</summary>
    private static bool SharesTerminal(CommandSpec spec, bool first, bool last)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        bool stdoutStops = last && spec.Stdout.Kind == StdioKind.Inherit && Native.Tty.StopsBackgroundWriters(1);
        return (first && spec.Stdin.Kind == StdioKind.Inherit && Native.Tty.Is(0))
            || stdoutStops
            || (spec.Stderr.Kind == StdioKind.Inherit && Native.Tty.StopsBackgroundWriters(2))
            || (spec.Stderr.Kind == StdioKind.ToStdout && stdoutStops);
    }

    /// <summary>The request as <c>Capture</c> runs it: stdout (of the last stage) and stderr (of every
    /// stage) piped where they were left inherited, and stdin piped when there is input to feed.</summary>
    /// <exception cref="InvalidOperationException">Input is given but stdin is set elsewhere.</exception>
    public StartRequest ForCapture(bool inputGiven)
    {
        var stages = new CommandSpec[Stages.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            CommandSpec stage = Stages[i];
            stages[i] = stage with
            {
                Stdin = i == 0 && inputGiven ? PipedForInput(stage.Stdin) : stage.Stdin,
                Stdout = i == stages.Length - 1 && stage.Stdout.Kind == StdioKind.Inherit ? Stdio.Pipe : stage.Stdout,
                Stderr = stage.Stderr.Kind == StdioKind.Inherit ? Stdio.Pipe : stage.Stderr,
            };
        }
        return this with { Stages = stages };
    }

    private Stdio PipedForInput(Stdio stdin) => stdin.Kind switch
    {
        StdioKind.Inherit or StdioKind.Pipe => Stdio.Pipe,
        StdioKind.Terminal => throw new InvalidOperationException(
            "Input was given but stdin is a terminal, whose input is typed: Start the command and use its Terminal " +
            "(SendLineAsync, Stream), or give the input with WithStdin(Stdio.Pipe) after WithTerminal()."),
        _ => throw new InvalidOperationException(
            $"Input was given but {(Stages.Count == 1 ? "stdin" : "the first stage's stdin")} is set to {stdin}."),
    };
}

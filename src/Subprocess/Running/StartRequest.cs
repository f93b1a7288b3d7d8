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
    /// the tree should be reachable (<see cref="GroupNeed.ToEndTheTree"/>), unless a stage shares this process's terminal: outside
    /// the terminal's foreground group, it would be stopped (SIGTTIN, SIGTTOU) the moment it read the
    /// terminal or set its modes, as a pager, a password prompt or an editor does, and hang until
    /// ended. Such stages stay in this process's group, as <c>timeout --foreground</c> keeps its child,
    /// and are ended one by one.
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

    /// <summary>Whether the stage would get one of this process's standard streams that is a terminal
    /// (between stages, stdin and stdout are the pipes that join them).</summary>
    private static bool SharesTerminal(CommandSpec spec, bool first, bool last)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        bool stdoutIsTerminal = last && spec.Stdout.Kind == StdioKind.Inherit && Native.Libc.isatty(1) == 1;
        return (first && spec.Stdin.Kind == StdioKind.Inherit && Native.Libc.isatty(0) == 1)
            || stdoutIsTerminal
            || (spec.Stderr.Kind == StdioKind.Inherit && Native.Libc.isatty(2) == 1)
            || (spec.Stderr.Kind == StdioKind.ToStdout && stdoutIsTerminal);
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
        _ => throw new InvalidOperationException(
            $"Input was given but {(Stages.Count == 1 ? "stdin" : "the first stage's stdin")} is set to {stdin}."),
    };
}

namespace Subprocess.Running;

/// <summary>
/// What the public entry points hand to the <see cref="Launcher"/>: a pipeline's stages (a command is
/// a pipeline of one), what applies to them as a whole, and whether they get a process group.
/// </summary>
/// <param name="Stages">What each stage's command says, first to last.</param>
/// <param name="Settings">What applies to the whole.</param>
/// <param name="NewProcessGroup">The first stage leads a new process group and the others join it,
/// so the whole tree can be ended: always for a pipeline, for a command when it asks (or a
/// cancellable call needs it).</param>
internal sealed record StartRequest(IReadOnlyList<CommandSpec> Stages, RunSettings Settings, bool NewProcessGroup)
{
    /// <summary>A command run on its own.</summary>
    public static StartRequest Of(CommandSpec command) => new([command], RunSettings.Of(command), command.NewProcessGroup);

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

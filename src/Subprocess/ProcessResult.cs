namespace Subprocess;

/// <summary>What <c>Run</c> returns: how the command ended and when.</summary>
public record ProcessResult
{
    internal ProcessResult(string commandLine, ExitStatus exitStatus, DateTimeOffset startTime, DateTimeOffset exitTime,
        IReadOnlyList<ExitStatus> stages)
    {
        CommandLine = commandLine;
        ExitStatus = exitStatus;
        StartTime = startTime;
        ExitTime = exitTime;
        Stages = stages;
    }

    /// <summary>The command line that ran.</summary>
    public string CommandLine { get; }

    /// <summary>The verdict: for a single command its status; for a pipeline the right-most failing stage's, else the last stage's.</summary>
    public ExitStatus ExitStatus { get; }

    /// <summary>When the child was started.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>When its exit was observed.</summary>
    public DateTimeOffset ExitTime { get; }

    /// <summary><see cref="ExitTime"/> minus <see cref="StartTime"/>.</summary>
    public TimeSpan Duration => ExitTime - StartTime;

    /// <summary>One status per pipeline stage, in order; a single command has one.</summary>
    public IReadOnlyList<ExitStatus> Stages { get; }

    /// <summary>The members <see cref="object.ToString"/> shows, readably: the stages as a list, not a type name.</summary>
    protected virtual bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("CommandLine = ").Append(CommandLine).Append(", ExitStatus = ").Append(ExitStatus)
            .Append(", Duration = ").Append(Duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append(" s");
        if (Stages.Count > 1)
        {
            builder.Append(", Stages = [").AppendJoin(", ", Stages).Append(']');
        }
        return true;
    }
}

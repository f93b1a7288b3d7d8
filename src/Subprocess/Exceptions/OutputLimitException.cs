namespace Subprocess;

/// <summary>
/// A captured stream grew past the limit set by <see cref="Command.WithMaxOutput"/>, or past what one
/// byte[] can hold (<see cref="Array.MaxLength"/>, which is then the <see cref="Limit"/>): the child's
/// tree has been ended so a runaway child cannot exhaust memory. Carries the output kept so far (up to
/// the limit for the stream that overflowed).
/// </summary>
public sealed class OutputLimitException : SubprocessException
{
    internal OutputLimitException(string stream, long limit)
        : this(stream, limit, pastByteArray: false, $"The child's {stream}")
    {
    }

    private OutputLimitException(string stream, long limit, bool pastByteArray, string subject)
        : base(Describe(subject, limit, pastByteArray))
    {
        Stream = stream;
        Limit = limit;
        _pastByteArray = pastByteArray;
    }

    private OutputLimitException(OutputLimitException overflow, string commandLine, ProcessOutput partial)
        : this(overflow.Stream, overflow.Limit, overflow._pastByteArray, $"Command {Launching.CommandLine.InMessage(commandLine)}: its {overflow.Stream}")
    {
        CommandLine = commandLine;
        Stdout = partial.Stdout;
        Stderr = partial.Stderr;
    }

    private readonly bool _pastByteArray;

    /// <summary>Which stream overflowed: "stdout", "stderr", or "stderr of stage N" in a pipeline.</summary>
    public string Stream { get; }

    /// <summary>The limit in bytes.</summary>
    public long Limit { get; }

    /// <summary>The command line whose output overflowed.</summary>
    public string CommandLine { get; } = "";

    /// <summary>Standard output kept before the tree was ended.</summary>
    public byte[] Stdout { get; } = [];

    /// <summary>Standard error kept before the tree was ended.</summary>
    public byte[] Stderr { get; } = [];

    internal OutputLimitException For(string commandLine, ProcessOutput partial) => new(this, commandLine, partial);

    /// <summary>Captured output is returned as a byte[], which holds at most <see cref="Array.MaxLength"/>
    /// bytes: a stream growing past that fails like one past a limit, early and clearly, not with an
    /// overflow once gigabytes are buffered.</summary>
    internal static OutputLimitException PastByteArray(string stream) =>
        new(stream, Array.MaxLength, pastByteArray: true, $"The child's {stream}");

    private static string Describe(string subject, long limit, bool pastByteArray) => pastByteArray
        ? $"{subject} went past {limit} bytes, the most a byte[] can hold; its tree was ended. "
            + "Read output this large as a stream (start the command with Stdio.Pipe) or send it to a file (Stdio.File)."
        : $"{subject} went past the limit of {limit} bytes; its tree was ended.";
}

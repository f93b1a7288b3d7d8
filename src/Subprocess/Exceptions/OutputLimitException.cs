namespace Subprocess;

/// <summary>
/// A captured stream grew past the limit set by <see cref="Command.WithMaxOutput"/>: the child's tree
/// has been ended so a runaway child cannot exhaust memory. Carries the output kept so far (up to
/// the limit for the stream that overflowed).
/// </summary>
public sealed class OutputLimitException : SubprocessException
{
    internal OutputLimitException(string stream, long limit)
        : base($"The child's {stream} went past the limit of {limit} bytes; its tree was ended.")
    {
        Stream = stream;
        Limit = limit;
    }

    private OutputLimitException(OutputLimitException overflow, string commandLine, ProcessOutput partial)
        : base($"Command '{commandLine}': its {overflow.Stream} went past the limit of {overflow.Limit} bytes; its tree was ended.")
    {
        Stream = overflow.Stream;
        Limit = overflow.Limit;
        CommandLine = commandLine;
        Stdout = partial.Stdout;
        Stderr = partial.Stderr;
    }

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
}

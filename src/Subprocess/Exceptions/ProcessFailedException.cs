namespace Subprocess;

/// <summary>
/// A checked command did not succeed: it exited with a non-zero code or was killed by a signal
/// (Python's <c>CalledProcessError</c>). Carries the command line, the status and whatever output
/// was captured. Turn checking off with <see cref="Command.WithCheck"/>.
/// </summary>
public sealed class ProcessFailedException : SubprocessException
{
    internal ProcessFailedException(string commandLine, ExitStatus exitStatus, byte[] stdout, byte[] stderr, string? stage = null,
        System.Text.Encoding? encoding = null)
        : base(Describe(commandLine, exitStatus, stderr, stage, encoding ?? CommandSpec.DefaultEncoding))
    {
        TextEncoding = encoding ?? CommandSpec.DefaultEncoding;
        CommandLine = commandLine;
        ExitStatus = exitStatus;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The command line that failed.</summary>
    public string CommandLine { get; }

    /// <summary>How the child ended; for a pipeline, how the right-most failing stage ended.</summary>
    public ExitStatus ExitStatus { get; }

    /// <summary>Captured standard output (empty if it was not captured).</summary>
    public byte[] Stdout { get; }

    /// <summary>Captured standard error (empty if it was not captured); for a pipeline, the failing stage's.</summary>
    public byte[] Stderr { get; }

    /// <summary><see cref="Stdout"/> decoded as UTF-8, or the command's encoding (<see cref="Command.WithEncoding"/>).</summary>
    public string StdoutText => TextEncoding.GetString(Stdout);

    /// <summary><see cref="Stderr"/> decoded as <see cref="StdoutText"/> is.</summary>
    public string StderrText => TextEncoding.GetString(Stderr);

    private System.Text.Encoding TextEncoding { get; }

    private static string Describe(string commandLine, ExitStatus status, byte[] stderr, string? stage, System.Text.Encoding encoding)
    {
        string message = stage is null ? $"Command {Launching.CommandLine.InMessage(commandLine)} {status}." : $"Pipeline {Launching.CommandLine.InMessage(commandLine)} failed: {stage} {status}.";
        if (stderr.Length == 0)
        {
            return message;
        }
        // The tail of stderr is where tools put the reason; keep messages readable.
        const int Limit = 2000;
        string text = encoding.GetString(stderr.Length > Limit ? stderr[^Limit..] : stderr).TrimEnd();
        return $"{message} Stderr{(stderr.Length > Limit ? " (last 2000 bytes)" : "")}:\n{text}";
    }
}

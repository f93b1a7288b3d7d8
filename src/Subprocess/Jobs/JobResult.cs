namespace Subprocess;

/// <summary>
/// How one job ended, with its output spooled to files until the result is disposed. Dispose it
/// once its output has been read: that deletes the files.
/// </summary>
public sealed class JobResult : IDisposable
{
    private readonly string _stdoutPath;
    private readonly string _stderrPath;

    internal JobResult(JobContext context, string commandLine, string stdoutPath, string stderrPath)
    {
        Context = context;
        CommandLine = commandLine;
        _stdoutPath = stdoutPath;
        _stderrPath = stderrPath;
    }

    /// <summary>The job's number and slot.</summary>
    public JobContext Context { get; }

    /// <summary>The job's command line.</summary>
    public string CommandLine { get; }

    /// <summary>How the last attempt ended (the pipeline's verdict), or null if it could not start.</summary>
    public ExitStatus? ExitStatus { get; internal set; }

    /// <summary>Why the last attempt failed without an ordinary exit: a start failure or a timeout; else null.</summary>
    public SubprocessException? Error { get; internal set; }

    /// <summary>When the last attempt started.</summary>
    public DateTimeOffset StartTime { get; internal set; }

    /// <summary>How long the last attempt ran.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>How many times the job ran (1 plus the retries it needed).</summary>
    public int Attempts { get; internal set; }

    /// <summary>True when the job exited with code 0 (every stage, under the pipefail rule).</summary>
    public bool Success => Error is null && ExitStatus?.Success == true;

    /// <summary>Bytes the job wrote to stdout.</summary>
    public long StdoutLength => Length(_stdoutPath);

    /// <summary>Bytes the job wrote to stderr.</summary>
    public long StderrLength => Length(_stderrPath);

    /// <summary>The spooled stdout, to read once.</summary>
    public Stream OpenStdout() => File.OpenRead(_stdoutPath);

    /// <summary>The spooled stderr, to read once.</summary>
    public Stream OpenStderr() => File.OpenRead(_stderrPath);

    /// <summary>Deletes the spooled output.</summary>
    public void Dispose()
    {
        File.Delete(_stdoutPath);
        File.Delete(_stderrPath);
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}

using Subprocess.Pipes;

namespace Subprocess;

/// <summary>
/// How one job ended, with its output: held in memory, or spilled to a file once it grew large.
/// Dispose it once its output has been read: that deletes any spill files.
/// </summary>
public sealed class JobResult : IDisposable
{
    private Communication? _output;
    private readonly Lazy<string> _commandLine;

    internal JobResult(JobContext context, Lazy<string> commandLine)
    {
        Context = context;
        _commandLine = commandLine;
    }

    /// <summary>The job's number and slot.</summary>
    public JobContext Context { get; }

    /// <summary>The job's command line, as a shell would write it (quoted and joined when first read).</summary>
    public string CommandLine => _commandLine.Value;

    /// <summary>How the last attempt ended (the pipeline's verdict), or null if it could not start.</summary>
    public ExitStatus? ExitStatus { get; internal set; }

    /// <summary>Why the last attempt failed without an ordinary exit: a start failure or a timeout
    /// (whose output is this result's, <see cref="OpenStdout"/>, not the exception's); else null.</summary>
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
    public long StdoutLength => _output?.Stdout.Length ?? 0;

    /// <summary>Bytes the job wrote to stderr (every stage's).</summary>
    public long StderrLength => _output?.Stderr.Sum(s => s.Length) ?? 0;

    /// <summary>The job's stdout, to read.</summary>
    public Stream OpenStdout() => _output?.Stdout.OpenRead() ?? Stream.Null;

    /// <summary>The job's stderr, every stage's in stage order, to read (read from where it is kept:
    /// output spilled to files is not loaded into memory).</summary>
    public Stream OpenStderr() => _output is null ? Stream.Null : new ConcatenatedStream(_output.Stderr);

    /// <summary>Deletes any spill files.</summary>
    public void Dispose() => Output = null;

    /// <summary>The attempt's collected output; replacing it releases the previous attempt's.</summary>
    internal Communication? Output
    {
        get => _output;
        set
        {
            _output?.Release();
            _output = value;
        }
    }
}

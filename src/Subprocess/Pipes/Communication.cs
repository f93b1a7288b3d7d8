using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Pipes;

/// <summary>
/// One run of <c>Communicate</c>: stdin fed, stdout and stderr drained, all at once, by pumps that
/// report here when they finish. It also hears when the processes exit, because waiting ends at exit,
/// not at end of file: a grandchild holding a pipe open must not hold the caller too. It outlives a
/// timeout, so trying again loses no output (as in Python).
/// </summary>
internal sealed class Communication
{
    private int _pending = 1; // the starter's own count, released by Started()
    private Exception? _error;
    private volatile bool _abandoned;
    private int _finished;

    /// <param name="stages">How many stderr streams there are: one per pipeline stage.</param>
    /// <param name="limit">The most bytes kept from each stream.</param>
    /// <param name="spool">Where streams spill to once they grow past a threshold (null: memory only),
    /// as a path prefix that each stream's name completes.</param>
    /// <param name="loop">Where the pumps wait for their descriptors (null: the shared event loop).</param>
    public Communication(int stages, long limit, string? spool = null, IReadyLoop? loop = null)
    {
        Loop = loop;
        Stdout = new OutputBuffer("stdout", limit, spool is null ? null : spool + ".out");
        Stderr = [.. Enumerable.Range(0, stages).Select(i => new OutputBuffer(
            stages == 1 ? "stderr" : $"stderr of stage {i + 1}", limit, spool is null ? null : $"{spool}.err{i}"))];
    }

    /// <summary>Where the pumps of descriptor pipes wait (null: the shared <see cref="EventLoop"/>).</summary>
    public IReadyLoop? Loop { get; }

    public OutputBuffer Stdout { get; }

    /// <summary>Each stage's stderr, in stage order.</summary>
    public IReadOnlyList<OutputBuffer> Stderr { get; }

    /// <summary>Opens when every pump has finished (or the rest were abandoned).</summary>
    public Gate Done { get; } = new();

    /// <summary>Opens when <see cref="Done"/> does or when the processes have exited, whichever is first.</summary>
    public Gate DoneOrExited { get; } = new();

    /// <summary>A pump's failure other than the child closing its end early; thrown to the waiter.</summary>
    public Exception? Error => _error;

    /// <summary>Counts a pump in; it must call <see cref="PumpFinished"/> once.</summary>
    public void PumpStarting() => Interlocked.Increment(ref _pending);

    /// <summary>All pumps are started; from here the last to finish completes the communication.</summary>
    public void Started() => PumpFinished(null);

    public void PumpFinished(Exception? error)
    {
        if (error is not null && !_abandoned)
        {
            Interlocked.CompareExchange(ref _error, error, null);
            if (error is OutputLimitException)
            {
                // Fail fast: the caller ends the tree rather than wait for the other streams.
                DoneOrExited.Open();
            }
        }
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            Finished();
        }
    }

    public void ProcessesExited() => DoneOrExited.Open();

    /// <summary>
    /// Gives up on pipes still open after the processes exited (held by a grandchild): what was read
    /// so far is the output, marked incomplete; the caller closes the pipes, and pumps that end
    /// because of that report no error.
    /// </summary>
    public void Abandon()
    {
        _abandoned = true;
        Finished();
    }

    private void Finished()
    {
        if (Instruments.Captured.Enabled && Interlocked.Exchange(ref _finished, 1) == 0)
        {
            Instruments.RecordCaptured(Stdout.Length, Stderr.Sum(static stage => stage.Length));
        }
        Done.Open();
        DoneOrExited.Open();
    }

    /// <summary>Frees the buffers (and deletes their spill files): the output is not wanted.</summary>
    public void Release()
    {
        Stdout.Dispose();
        foreach (OutputBuffer stage in Stderr)
        {
            stage.Dispose();
        }
    }

    /// <summary>Stdout, and every stage's stderr one after the other.</summary>
    /// <param name="release">True once the pumps are done (or abandoned) and this is the output to hand
    /// over: large buffers then give up their chunks as they are copied (see
    /// <see cref="OutputBuffer.ToArrayAndRelease"/>), so a big capture is not held twice.</param>
    /// <param name="encoding">How its text views decode it.</param>
    public ProcessOutput Snapshot(System.Text.Encoding encoding, bool release = false)
    {
        Func<OutputBuffer, byte[]> read = release ? static s => s.ToArrayAndRelease() : static s => s.ToArray();
        return new(read(Stdout), Stderr.Count == 1 ? read(Stderr[0]) : [.. Stderr.SelectMany(read)])
        {
            Complete = !_abandoned,
            TextEncoding = encoding,
        };
    }
}

namespace Subprocess.Cli.Output;

/// <summary>
/// The one thread that writes <c>--line-buffer</c> output: every job's whole lines, to stdout and
/// stderr, in the order they were queued. A stream that blocks (a paused pager, a full pipe) holds
/// this thread only: the jobs' pumps, the library's event loop among them, just queue their lines
/// (<see cref="OutputQueue"/>: in memory up to <see cref="MemoryLimit"/>, then in a temporary file).
/// </summary>
/// <remarks>One thread for both streams, not one each: they are often one file (a terminal, a
/// <c>2&gt;&amp;1</c> into a pager), where two writers could split each other's lines (a pipe keeps
/// only writes of up to 4 KiB whole) and would reorder a job's stdout and stderr lines. So a stdout
/// that blocks holds stderr's lines back too, as it holds GNU parallel's.</remarks>
internal sealed class LineWriter
{
    /// <summary>How many bytes of lines wait for a slow stream in memory, at most (besides one
    /// write's lines): 1 MiB, what each grouped job's output holds in memory before it spills.</summary>
    public const long MemoryLimit = 1 << 20;

    private readonly Stream[] _targets;
    private readonly OutputQueue _queue;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="targets">The streams lines may be written to.</param>
    /// <param name="spillDirectory">Where lines wait past <paramref name="memoryLimit"/>.</param>
    /// <param name="memoryLimit">How many bytes of lines wait in memory, at most.</param>
    public LineWriter(IReadOnlyList<Stream> targets, string spillDirectory, long memoryLimit = MemoryLimit)
    {
        _targets = [.. targets];
        _queue = new OutputQueue(spillDirectory, memoryLimit);
        // A thread of its own, not the pool's: its writes block as long as the stream does. In the
        // background, so that a stream that never drains cannot keep an ending process alive.
        new Thread(Run) { IsBackground = true, Name = "subproc output" }.Start();
    }

    /// <summary>Queues whole <paramref name="lines"/> for <paramref name="target"/> and returns at once,
    /// whatever the stream is doing.</summary>
    /// <exception cref="IOException">Writing has failed; nothing more is written.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not one of the writer's streams.</exception>
    public void Write(Stream target, ReadOnlySpan<byte> lines)
    {
        int index = Array.IndexOf(_targets, target);
        if (index < 0)
        {
            throw new ArgumentException("The stream is not one this writer was made for.", nameof(target));
        }
        _queue.Add(index, lines);
    }

    /// <summary>Returns once every line queued is written, however long the streams take (nothing is
    /// dropped, on Ctrl-C or a halt either), and the thread has ended; lines queued after that are dropped.</summary>
    /// <exception cref="IOException">A stream refused a write; what was queued after it is lost.</exception>
    public Task DrainAsync()
    {
        _queue.Complete();
        return _ended.Task;
    }

    private void Run()
    {
        byte[] buffer = new byte[64 * 1024];
        Exception? failure = null;
        try
        {
            while (_queue.TryTake(buffer, out OutputPiece piece))
            {
                try
                {
                    Stream target = _targets[piece.Target];
                    target.Write(piece.Buffer, 0, piece.Length);
                    target.Flush();
                }
                finally
                {
                    OutputQueue.Return(piece);
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
            _queue.Fail(e);
        }
        _ = failure is null ? _ended.TrySetResult() : _ended.TrySetException(failure);
    }
}

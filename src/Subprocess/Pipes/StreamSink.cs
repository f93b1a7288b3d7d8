namespace Subprocess.Pipes;

/// <summary>
/// A caller's stream as a pump's sink (<see cref="Stdio.Stream"/>): each read is written straight
/// into it, on the event loop's thread, so the stream must not block for long.
/// </summary>
internal sealed class StreamSink(Stream target) : IByteSink
{
    private readonly byte[] _scratch = new byte[64 * 1024];

    public Memory<byte> GetFreeSpace() => _scratch;

    public void Advance(int count)
    {
        if (count > 0)
        {
            target.Write(_scratch, 0, count);
        }
    }

    /// <summary>The caller's stream gets everything before the wait for the child returns, even one
    /// that buffers (and a <c>subproc --line-buffer</c> line stream ends the attempt's last line).</summary>
    public void Finish() => target.Flush();
}

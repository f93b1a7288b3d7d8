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
}

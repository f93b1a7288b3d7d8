namespace Subprocess.Pipes;

/// <summary>
/// Several buffers read one after another as one stream, each opened only when reached, so
/// stages' stderr spilled to files is never loaded into memory to be joined.
/// </summary>
internal sealed class ConcatenatedStream(IReadOnlyList<OutputBuffer> parts) : Stream
{
    private int _next;
    private Stream? _current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (buffer.Length > 0 && Current() is Stream part)
        {
            int read = part.Read(buffer);
            if (read > 0)
            {
                return read;
            }
            Advance();
        }
        return 0;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0 && Current() is Stream part)
        {
            int read = await part.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                return read;
            }
            Advance();
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
            _next = parts.Count;
        }
        base.Dispose(disposing);
    }

    private Stream? Current() => _current ??= _next < parts.Count ? parts[_next++].OpenRead() : null;

    private void Advance()
    {
        _current!.Dispose();
        _current = null;
    }
}

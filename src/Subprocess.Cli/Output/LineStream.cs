namespace Subprocess.Cli.Output;

/// <summary>
/// A job's output under <c>--line-buffer</c>: written to the terminal as it comes, but only in whole
/// lines, so lines from different jobs never mix (one lock for every job's lines to one target).
/// </summary>
/// <remarks>Writes may come from several threads (the library pumps each stream where it can), so the
/// partial line is guarded by its own lock, taken before the shared one and never inside it.</remarks>
internal sealed class LineStream(Stream target, object gate, byte[]? prefix) : Stream
{
    private readonly MemoryStream _partial = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_partial)
        {
            int newline;
            while ((newline = buffer.IndexOf((byte)'\n')) >= 0)
            {
                _partial.Write(buffer[..(newline + 1)]);
                Emit();
                buffer = buffer[(newline + 1)..];
            }
            _partial.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>The job is over: a last line without a newline is written as it is.</summary>
    public void Complete()
    {
        lock (_partial)
        {
            if (_partial.Length > 0)
            {
                Emit();
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Emit()
    {
        lock (gate)
        {
            if (prefix is not null)
            {
                target.Write(prefix);
            }
            target.Write(_partial.GetBuffer(), 0, (int)_partial.Length);
            target.Flush();
        }
        _partial.SetLength(0);
    }
}

namespace Subprocess.Cli.Output;

/// <summary>
/// A job's output under <c>--line-buffer</c>: written to <c>target</c> as it comes, but only in whole
/// lines, so lines from different jobs never mix. The lines go out through the one
/// <see cref="LineWriter"/> of every job, which writes them in order on its own thread.
/// </summary>
/// <remarks>Writes may come from several threads (the library pumps each stream where it can), so the
/// partial line is guarded by a lock. The library's event-loop thread makes most of these writes, and
/// every child's pipes and exits wait while it does: it only queues, never writes to the target itself.
/// All the whole lines of one write are queued together, to go out together.</remarks>
/// <param name="writer">The writer every job's lines go out through.</param>
/// <param name="target">Where its lines go (stdout, stderr).</param>
/// <param name="prefix">What goes before each line (<c>--tag</c>), if anything.</param>
/// <param name="held">Keep the lines back until <see cref="Release"/> (<c>-k</c>: a job's lines go out
/// as they come only once every job before it is done).</param>
internal sealed class LineStream(LineWriter writer, Stream target, byte[]? prefix, bool held = false) : Stream
{
    /// <summary>The lines kept back while <see cref="_isHeld"/>: in memory up to <see cref="LineWriter.MemoryLimit"/>,
    /// then in a temporary file, as grouped output waits (a later job under <c>-k</c> may write a lot).</summary>
    private Stream _held = new MemoryStream();

    private bool _isHeld = held;

    /// <summary>The line begun and not yet ended.</summary>
    private readonly MemoryStream _partial = new();

    /// <summary>The whole lines of the current write, each behind its prefix, to go out together.</summary>
    private readonly MemoryStream _lines = new();

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
                EndLine();
                buffer = buffer[(newline + 1)..];
            }
            _partial.Write(buffer);
            Emit();
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

    /// <summary>The job is over: a last line without a newline is written as it is (as GNU parallel writes it, tagged or not).</summary>
    public void Complete()
    {
        lock (_partial)
        {
            if (_partial.Length > 0)
            {
                EndLine();
                Emit();
            }
        }
    }

    /// <summary>Sends the lines kept back, and from now on each as it comes.</summary>
    public void Release()
    {
        lock (_partial)
        {
            if (!_isHeld)
            {
                return;
            }
            _isHeld = false;
            if (_held is MemoryStream memory)
            {
                writer.Write(target, memory.GetBuffer().AsSpan(0, (int)memory.Length));
            }
            else
            {
                // Piece by piece: no other job writes meanwhile (the jobs before are done, those after held).
                byte[] piece = new byte[LineWriter.MemoryLimit];
                _held.Position = 0;
                int read;
                while ((read = _held.Read(piece)) > 0)
                {
                    writer.Write(target, piece.AsSpan(0, read));
                }
            }
            _held.Dispose();
        }
    }

    /// <summary>The library flushes when one run of the job's stream ends: a retry's lines must not
    /// continue the failed attempt's last one.</summary>
    public override void Flush() => Complete();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Moves the line begun, now whole, behind its prefix into the lines to go out.</summary>
    private void EndLine()
    {
        ReadOnlySpan<byte> line = _partial.GetBuffer().AsSpan(0, (int)_partial.Length);
        if (prefix is not null)
        {
            TaggedCopy.Write(line, prefix, _lines); // behind a carriage return too, as grouped output tags it
        }
        else
        {
            _lines.Write(line);
        }
        _partial.SetLength(0);
    }

    private void Hold(ReadOnlySpan<byte> lines)
    {
        if (_held is MemoryStream memory && memory.Length + lines.Length > LineWriter.MemoryLimit)
        {
            string path = Path.Combine(Path.GetTempPath(), $"subproc-{Environment.ProcessId}-{Guid.NewGuid():N}.held");
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 64 * 1024);
            // Gone from the directory at once: however this process ends, nothing is left behind.
            File.Delete(path);
            memory.WriteTo(file);
            _held = file;
        }
        _held.Write(lines);
    }

    private void Emit()
    {
        if (_lines.Length == 0)
        {
            return;
        }
        try
        {
            if (_isHeld)
            {
                Hold(_lines.GetBuffer().AsSpan(0, (int)_lines.Length));
            }
            else
            {
                writer.Write(target, _lines.GetBuffer().AsSpan(0, (int)_lines.Length));
            }
        }
        finally
        {
            _lines.SetLength(0);
        }
    }
}

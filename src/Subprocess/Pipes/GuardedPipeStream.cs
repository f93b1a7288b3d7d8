namespace Subprocess.Pipes;

/// <summary>
/// A <see cref="System.IO.Pipes.PipeStream"/> (the portable spawner's: <c>Process</c>'s pipes to the
/// child, and the pipe that joins its stdout and stderr) that may be disposed on one thread while
/// another starts a read or write on it.
/// </summary>
/// <remarks>
/// On Unix, .NET 10's <c>PipeStream</c> does its I/O through a <c>Socket</c> it makes on the first
/// read or write. If another thread disposes the stream while that socket is being made, the making
/// thread sees the disposal, disposes the new socket itself while still holding the pipe's handle,
/// and <c>Socket.Dispose</c> waits for that very hold to be released: forever, spinning
/// (<c>SafePipeHandle.CreatePipeSocket</c>; <c>Communicate</c> racing <c>Dispose</c> hung that way).
/// So every call starts, and disposal runs, under one lock. An async call holds it only while it
/// starts (never while it waits for the child); a blocking call holds it until it returns, which
/// costs nothing new: <c>PipeStream.Dispose</c> already waits for a blocking read or write in
/// progress to return.
/// </remarks>
internal sealed class GuardedPipeStream(Stream pipe) : Stream
{
    private readonly Lock _gate = new();
    private volatile bool _disposed;

    /// <summary>
    /// <paramref name="pipe"/> behind a guard where it needs one. Not on Windows, whose pipe streams
    /// make no socket, and where the guard's lock would only add a wait: Dispose there returns while a
    /// blocking read is in progress (the handle's close waits for the read, not the caller).
    /// </summary>
    public static Stream Over(Stream pipe) => OperatingSystem.IsWindows() ? pipe : new GuardedPipeStream(pipe);

    public override bool CanRead => !_disposed && pipe.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed && pipe.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return pipe.Read(buffer);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return pipe.ReadAsync(buffer, cancellationToken);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            pipe.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return pipe.WriteAsync(buffer, cancellationToken);
        }
    }

    // A pipe has no buffer of its own in .NET: flushing is a no-op that needs no guard.
    public override void Flush() => pipe.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => pipe.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
                pipe.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

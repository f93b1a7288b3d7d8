using System.Net.Sockets;
using Subprocess.Native;

namespace Subprocess.Pipes;

/// <summary>
/// The child's stdin as the caller sees it: the pipe's own stream, except that a write the child can
/// no longer receive says so and names the command, instead of the bare "Broken pipe" of the
/// stream underneath (which does not know whose pipe it is).
/// </summary>
internal sealed class ChildStdin(Stream pipe, string shownCommandLine) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => pipe.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            pipe.Write(buffer, offset, count);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw Closed(e);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            pipe.Write(buffer);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw Closed(e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await pipe.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw Closed(e);
        }
    }

    public override void Flush()
    {
        try
        {
            pipe.Flush();
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw Closed(e);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw Closed(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The child's stdin is for writing.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pipe.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await pipe.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// EPIPE: a FileStream (the Linux spawner) reports it as the HResult; Process's pipe stream (the
    /// portable spawner) as an inner socket error, and a blocking write that had written part of its
    /// buffer when the reader went away as "timed out": .NET writes a pipe through a Socket, and a
    /// blocking socket's send that stops half way can only have met its send timeout, so it drops the
    /// errno (EPIPE) and says ETIMEDOUT. A pipe has no send timeout, so here that means broken pipe.
    /// </summary>
    private static bool IsBrokenPipe(IOException e) =>
        e.HResult == Errno.EPIPE
        || e.InnerException is SocketException
        {
            SocketErrorCode: SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.TimedOut,
        }
        || e.InnerException is SocketException { NativeErrorCode: Errno.EPIPE };

    private IOException Closed(IOException e) =>
        new($"The child closed its stdin: {shownCommandLine} exited or closed its input before reading everything written to it (broken pipe).", e);
}

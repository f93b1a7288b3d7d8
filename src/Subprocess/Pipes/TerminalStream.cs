using Microsoft.Win32.SafeHandles;
using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Pipes;

/// <summary>
/// The master of a child's pseudo-terminal as a stream: reading it reads what the child shows,
/// writing it types. The descriptor is non-blocking; an async read or write waits for it on the
/// shared <see cref="EventLoop"/>, so it can be cancelled (an <c>ExpectAsync</c> timeout) and leaves
/// no byte half-read. Reading ends (0) once every process holding the slave has closed it: Linux
/// answers EIO then, after whatever was written before it.
/// </summary>
internal sealed class TerminalStream : Stream
{
    private readonly SafeFileHandle _master;

    /// <summary>The same terminal for writes: the event loop watches a descriptor for one direction, so
    /// a read and a write may wait at once (an <c>ExpectAsync</c> while a line is sent).</summary>
    private readonly SafeFileHandle _writer;

    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _gate = new();

    /// <summary>Bytes read and handed back (<see cref="Unread"/>), served before the terminal's.</summary>
    private byte[] _unread = [];

    /// <summary>1 while a read waits: a second would split the output with it (and epoll takes a descriptor once).</summary>
    private int _reading;

    /// <summary>Set once a pump (Capture, Communicate, ReadLinesAsync) reads the terminal instead.</summary>
    private volatile bool _pumped;

    /// <param name="master">The master, non-blocking; the pipe that owns it closes it after this stream.</param>
    public TerminalStream(SafeFileHandle master)
    {
        _master = master;
        _writer = Pty.Duplicate(master);
    }

    public override bool CanRead => !_closed.IsCancellationRequested;

    public override bool CanWrite => !_closed.IsCancellationRequested;

    public override bool CanSeek => false;

    /// <summary>Sets the terminal's size; the child's foreground process group gets SIGWINCH.</summary>
    public void Resize(int columns, int rows)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        Pty.Resize(_master, columns, rows);
    }

    /// <summary>Hands back bytes read, to be read again before anything else.</summary>
    public void Unread(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _unread = [.. bytes, .. _unread];
        }
    }

    /// <summary>Takes the bytes handed back, for a pump that reads the terminal from here on; reads of
    /// this stream are refused from then.</summary>
    public byte[] TakeForPump()
    {
        lock (_gate)
        {
            _pumped = true;
            byte[] pending = _unread;
            _unread = [];
            return pending;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        BeginRead();
        try
        {
            while (true)
            {
                int n = TryRead(buffer);
                if (n != PipeFd.WouldBlock)
                {
                    return n;
                }
                try
                {
                    Readiness.Wait(_master, Libc.POLLIN, _closed.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new ObjectDisposedException(nameof(TerminalStream), "The child's terminal was closed while a read waited.");
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BeginRead();
        try
        {
            while (true)
            {
                int n = TryRead(buffer.Span);
                if (n != PipeFd.WouldBlock)
                {
                    return n;
                }
                await WaitAsync(_master, Libc.EPOLLIN, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    private void BeginRead()
    {
        if (_pumped)
        {
            throw new InvalidOperationException(
                "The terminal's output is being read by Capture, Communicate or ReadLinesAsync; it cannot also be read here.");
        }
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("Another read of the terminal (a Stream read or an ExpectAsync) is waiting; await it first.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = TryWrite(buffer);
            if (n == PipeFd.WouldBlock)
            {
                try
                {
                    Readiness.Wait(_writer, Libc.POLLOUT, _closed.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new ObjectDisposedException(nameof(TerminalStream), "The child's terminal was closed while a write waited.");
                }
                continue;
            }
            buffer = buffer[n..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int n = TryWrite(buffer.Span);
            if (n == PipeFd.WouldBlock)
            {
                await WaitAsync(_writer, Libc.EPOLLOUT, cancellationToken).ConfigureAwait(false);
                continue;
            }
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Length => throw new NotSupportedException("A terminal has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A terminal has no position.");
        set => throw new NotSupportedException("A terminal has no position.");
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A terminal cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A terminal has no length.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed.IsCancellationRequested)
        {
            _closed.Cancel();
            _writer.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Bytes handed back first, else a non-blocking read: a count (0 at the end), or <see cref="PipeFd.WouldBlock"/>.</summary>
    private int TryRead(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
            return 0;
        }
        lock (_gate)
        {
            if (_unread.Length > 0)
            {
                int n = Math.Min(buffer.Length, _unread.Length);
                _unread.AsSpan(0, n).CopyTo(buffer);
                _unread = _unread[n..];
                return n;
            }
        }
        bool held = Hold(_master);
        try
        {
            return PipeFd.TryRead(_master, buffer, terminal: true);
        }
        finally
        {
            Release(_master, held);
        }
    }

    private int TryWrite(ReadOnlySpan<byte> buffer)
    {
        bool held = Hold(_writer);
        try
        {
            // Linux takes a write to a master whose slave nobody holds, and drops it: refused here instead, as a pipe's EPIPE would be.
            return Readiness.HungUp(_writer) ? throw Gone(null) : PipeFd.TryWrite(_writer, buffer);
        }
        catch (IOException e) when (e.HResult == Errno.EIO)
        {
            throw Gone(e);
        }
        finally
        {
            Release(_writer, held);
        }
    }

    private static IOException Gone(Exception? inner) =>
        new("Nothing holds the child's terminal any more: the child, and all it started there, have exited.", inner) { HResult = Errno.EIO };

    /// <summary>Holds <paramref name="fd"/> open while its number is used, so a Dispose on another
    /// thread cannot close it (and let the number name another file) meanwhile.</summary>
    private bool Hold(SafeFileHandle fd)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        bool held = false;
        try
        {
            fd.DangerousAddRef(ref held);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(TerminalStream), "The child's terminal has been closed.");
        }
        return held;
    }

    private static void Release(SafeFileHandle fd, bool held)
    {
        if (held)
        {
            fd.DangerousRelease();
        }
    }

    private async Task WaitAsync(SafeFileHandle fd, uint events, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        try
        {
            await Readiness.WaitAsync(fd, events, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(TerminalStream), "The child's terminal was closed while a read or write waited.");
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(TerminalStream), "The child's terminal has been closed.");
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Subprocess.Cli.Output;

/// <summary>
/// The output waiting for <see cref="LineWriter"/>, for any of its streams, taken in the order it was
/// added. Adding never waits for the taker: up to <c>memoryLimit</c> bytes wait in memory; past that,
/// everything added waits in a temporary file in <c>spillDirectory</c>, read back in order, until the
/// taker has caught up (the file is emptied then, and deleted when the queue ends or fails).
/// </summary>
/// <remarks>
/// Why a file and not a wait: the bytes come from the library's pumps, most on its one event-loop
/// thread, which must never wait for a slow stdout (every child's pipes and exits would wait with it,
/// as they did when the pumps wrote to stdout themselves). Making only the job whose lines wait wait
/// (its pipe fills, its writes block, as a stdout that blocks does to GNU parallel's jobs) would need
/// a pump the library can pause, which it has not. So memory is bounded and disk is not, as with
/// grouped output (each job's held in memory up to 1 MiB, then in a file) and with GNU parallel,
/// which keeps its jobs' output in temporary files. Jobs go on starting meanwhile, as they do grouped.
/// A piece taken from memory holds the array it was added in; one taken from the file is read into
/// the taker's buffer, so a long record comes back in several pieces.
/// </remarks>
internal sealed class OutputQueue(string spillDirectory, long memoryLimit)
{
    /// <summary>A spilled record's header: the stream's index (1 byte), then the length (4 bytes).</summary>
    private const int HeaderLength = 5;

    // Monitor, not Lock: the taker waits on it for something to take.
    private readonly object _gate = new();
    private readonly Queue<OutputPiece> _memory = new();
    private long _inMemory;
    private SafeFileHandle? _spill;
    private long _spillRead;
    private long _spillEnd;
    private int _recordTarget;
    private long _recordLeft;
    private bool _completed;
    private bool _ended;
    private Exception? _failure;

    /// <summary>Queues <paramref name="bytes"/> for stream number <paramref name="target"/>; after the
    /// taker has ended, drops them (a pipe the library abandoned can still bring a late read).</summary>
    /// <exception cref="IOException">The taker failed to write (<see cref="Fail"/>), or the spill file refused the bytes.</exception>
    public void Add(int target, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new IOException($"subproc could not write its output: {_failure.Message}", _failure);
            }
            if (_ended)
            {
                return;
            }
            // Once anything waits in the file, the rest follows it there, so that it all comes out in order.
            if (_spillEnd > _spillRead || (_inMemory > 0 && _inMemory + bytes.Length > memoryLimit))
            {
                Spill(target, bytes);
            }
            else
            {
                byte[] copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
                bytes.CopyTo(copy);
                _memory.Enqueue(new OutputPiece(target, copy, bytes.Length, Pooled: true));
                _inMemory += bytes.Length;
            }
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Waits for the next piece, read into <paramref name="buffer"/> if it comes from the file;
    /// false once <see cref="Complete"/> was called and nothing is left. Hand the piece back with
    /// <see cref="Return"/> once written.</summary>
    public bool TryTake(byte[] buffer, out OutputPiece piece)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_memory.TryDequeue(out piece))
                {
                    _inMemory -= piece.Length;
                    return true;
                }
                if (_spillEnd > _spillRead)
                {
                    piece = ReadSpilled(buffer);
                    return true;
                }
                if (_completed)
                {
                    _ended = true;
                    _spill?.Dispose();
                    return false;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Gives back the memory of a piece that has been written.</summary>
    public static void Return(OutputPiece piece)
    {
        if (piece.Pooled)
        {
            ArrayPool<byte>.Shared.Return(piece.Buffer);
        }
    }

    /// <summary>Nothing more will be added: the taker takes what is left, then ends.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The taker could not write: what waits is dropped, and adding throws from now on, so
    /// the jobs' pumps report it as a stream of the caller's that refused their output.</summary>
    public void Fail(Exception error)
    {
        lock (_gate)
        {
            _failure = error;
            _ended = true;
            while (_memory.TryDequeue(out OutputPiece piece))
            {
                Return(piece);
            }
            _inMemory = 0;
            _spillRead = _spillEnd = _recordLeft = 0;
            _spill?.Dispose();
        }
    }

    private void Spill(int target, ReadOnlySpan<byte> bytes)
    {
        // CreateNew under a random name: a file planted in a shared temporary directory is never opened.
        _spill ??= File.OpenHandle(Path.Combine(spillDirectory, $"subproc-{Environment.ProcessId}-{Guid.NewGuid():N}.lines"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        Span<byte> header = stackalloc byte[HeaderLength];
        header[0] = (byte)target;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], bytes.Length);
        RandomAccess.Write(_spill, header, _spillEnd);
        RandomAccess.Write(_spill, bytes, _spillEnd + HeaderLength);
        _spillEnd += HeaderLength + bytes.Length;
    }

    private OutputPiece ReadSpilled(byte[] buffer)
    {
        if (_recordLeft == 0)
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            ReadExactly(header, _spillRead);
            _recordTarget = header[0];
            _recordLeft = BinaryPrimitives.ReadInt32LittleEndian(header[1..]);
            _spillRead += HeaderLength;
        }
        int length = (int)Math.Min(buffer.Length, _recordLeft);
        ReadExactly(buffer.AsSpan(0, length), _spillRead);
        _spillRead += length;
        _recordLeft -= length;
        if (_spillRead == _spillEnd)
        {
            // Caught up: the file starts over, and gives its disk space back.
            _spillRead = _spillEnd = 0;
            RandomAccess.SetLength(_spill!, 0);
        }
        return new OutputPiece(_recordTarget, buffer, length, Pooled: false);
    }

    private void ReadExactly(Span<byte> into, long offset)
    {
        while (!into.IsEmpty)
        {
            int read = RandomAccess.Read(_spill!, into, offset);
            if (read == 0)
            {
                throw new EndOfStreamException("subproc's spill file of waiting output ended early.");
            }
            into = into[read..];
            offset += read;
        }
    }
}

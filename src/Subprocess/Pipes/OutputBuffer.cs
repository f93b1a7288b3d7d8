using Subprocess.Native;

namespace Subprocess.Pipes;

/// <summary>
/// Bytes collected from one child stream. Written by one pump, read by any thread.
/// Small output lives in managed chunks that grow with it. Past <see cref="MappedThreshold"/> (on
/// Linux) chunks are mapped outside the GC heap, so that <see cref="ToArrayAndRelease"/> can hand each
/// back to the kernel as soon as it is copied out: a large capture then peaks near one copy of itself,
/// not two. With a spill file, output past the spill threshold moves to that file instead, so memory
/// stays bounded however much a child writes.
/// </summary>
/// <remarks>
/// A pump pairs every <see cref="GetFreeSpace"/> with one <see cref="Advance"/>, <c>Advance(0)</c>
/// when its read brought nothing or failed: in between, the kernel may be copying into the chunk,
/// so a mapped chunk is lent and stays mapped until the <see cref="Advance"/>, whoever releases it.
/// </remarks>
internal sealed class OutputBuffer(string name, long limit = long.MaxValue, string? spillPath = null, long spillThreshold = 1 << 20)
    : IByteSink, IDisposable
{
    private const int FirstChunk = 16 * 1024;
    private const int LargestChunk = 4 * 1024 * 1024;
    private const long MappedThreshold = 1 << 20;
    private const int MappedChunk = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly List<Segment> _full = [];
    // Bytes held in memory end up in one byte[]; only a spill file can hold more.
    private readonly long _ceiling = spillPath is null ? Math.Min(limit, Array.MaxLength) : limit;
    private Memory<byte> _current;
    private MappedMemory? _currentMapping;
    private MappedMemory? _lent;
    private int _used;
    private long _length;
    private FileStream? _spill;
    private bool _disposed;

    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <summary>Which stream this collects ("stdout", "stderr"), for messages.</summary>
    public string Name => name;

    /// <summary>The most bytes this buffer keeps; beyond it <see cref="Advance"/> throws.</summary>
    public long Limit => limit;

    /// <summary>Free space at the end to read into; follow with exactly one <see cref="Advance"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Memory<byte> GetFreeSpace()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_used == _current.Length)
            {
                NextChunk();
            }
            if (_currentMapping is not null && _lent is null)
            {
                _currentMapping.Lend();
                _lent = _currentMapping;
            }
            return _current[_used..];
        }
    }

    /// <summary>Nothing to do at the end: the bytes are taken from the buffer as they are.</summary>
    public void Finish()
    {
    }

    /// <summary>Records that <paramref name="count"/> bytes were written into the free space (0 after a
    /// read that brought nothing).</summary>
    /// <exception cref="OutputLimitException">The buffer now holds more than its limit, or more than a
    /// byte[] can; it keeps the bytes up to that point.</exception>
    public void Advance(int count)
    {
        lock (_gate)
        {
            MappedMemory? lent = _lent;
            _lent = null;
            try
            {
                if (_disposed || lent is not null && lent != _currentMapping)
                {
                    // The chunk was released (output taken or buffer disposed) while the read was
                    // under way: that happens only to an abandoned exchange, whose late bytes are not wanted.
                    return;
                }
                long over = _length + count - _ceiling;
                int kept = over > 0 ? count - (int)over : count;
                _used += kept;
                _length += kept;
                if (_spill is not null)
                {
                    _spill.Write(_current.Span[.._used]);
                    _used = 0;
                }
                else if (spillPath is not null && _length > spillThreshold)
                {
                    Spill(spillPath);
                }
                if (over > 0)
                {
                    throw _ceiling < limit ? OutputLimitException.PastByteArray(name) : new OutputLimitException(name, limit);
                }
            }
            finally
            {
                lent?.Return();
            }
        }
    }

    /// <summary>Everything collected so far, as one array (read back from the spill file if there is one).</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public byte[] ToArray()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_spill is not null)
            {
                _spill.Flush();
                return File.ReadAllBytes(_spill.Name);
            }
            return Gather(release: false);
        }
    }

    /// <summary>
    /// <see cref="ToArray"/> for the last read of a finished (or abandoned) stream: each mapped chunk
    /// is unmapped right after it is copied, so the peak is the array plus one chunk. The buffer keeps
    /// the returned array as its contents, so later reads still see the same bytes. Output small
    /// enough never to have been mapped is copied as by <see cref="ToArray"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public byte[] ToArrayAndRelease()
    {
        lock (_gate)
        {
            if (_currentMapping is null && !_full.Exists(segment => segment.Mapping is not null))
            {
                return ToArray();
            }
            byte[] all = Gather(release: true);
            _full.Clear();
            _full.Add(new Segment(all, null));
            _current = default;
            _currentMapping = null;
            _used = 0;
            return all;
        }
    }

    /// <summary>The collected bytes as a stream, without gathering a spilled file into memory.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Stream OpenRead()
    {
        lock (_gate)
        {
            if (_spill is null)
            {
                return new MemoryStream(ToArray(), writable: false);
            }
            ObjectDisposedException.ThrowIf(_disposed, this);
            _spill.Flush();
            return new FileStream(_spill.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
    }

    /// <summary>Unmaps the mapped chunks and deletes the spill file, if any.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (Segment segment in _full)
            {
                segment.Mapping?.Release();
            }
            _currentMapping?.Release();
            _full.Clear();
            _current = default;
            _currentMapping = null;
            _used = 0;
            if (_spill is not null)
            {
                _spill.Dispose();
                File.Delete(_spill.Name);
            }
        }
    }

    /// <summary>Retires the full current chunk and starts the next, larger while the output is small,
    /// mapped once it is not (never with a spill file, which takes large output instead).</summary>
    private void NextChunk()
    {
        if (_spill is not null && _current.Length > 0)
        {
            _used = 0; // the file holds the bytes: the chunk is only where reads land
            return;
        }
        // The next chunk first: if it cannot be had, the full one stays current and is not listed twice.
        MappedMemory? nextMapping = spillPath is null && _length >= MappedThreshold && MappedMemory.IsSupported
            ? new MappedMemory(MappedChunk)
            : null;
        Memory<byte> next = nextMapping?.Memory ?? GC.AllocateUninitializedArray<byte>((int)Math.Clamp(_length, FirstChunk, LargestChunk));
        if (_current.Length > 0)
        {
            _full.Add(new Segment(_current, _currentMapping));
        }
        (_current, _currentMapping, _used) = (next, nextMapping, 0);
    }

    /// <summary>The chunks copied into one new array, each mapped one unmapped as soon as it is copied
    /// if <paramref name="release"/>.</summary>
    private byte[] Gather(bool release)
    {
        byte[] all = GC.AllocateUninitializedArray<byte>(checked((int)_length));
        int offset = 0;
        foreach (Segment segment in _full)
        {
            offset += CopyOut(segment.Bytes.Span, all, offset);
            if (release)
            {
                segment.Mapping?.Release();
            }
        }
        CopyOut(_current.Span[.._used], all, offset);
        if (release)
        {
            _currentMapping?.Release();
        }
        return all;
    }

    private static int CopyOut(ReadOnlySpan<byte> chunk, byte[] all, int offset)
    {
        Span<byte> target = all.AsSpan(offset, chunk.Length);
        // A chunk at a time, so the new array becomes resident only as fast as the chunks go away.
        Mmap.Prefault(target);
        chunk.CopyTo(target);
        return chunk.Length;
    }

    private void Spill(string path)
    {
        _spill = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16);
        foreach (Segment segment in _full)
        {
            _spill.Write(segment.Bytes.Span);
        }
        _spill.Write(_current.Span[.._used]);
        _full.Clear();
        _used = 0;
    }

    /// <summary>A full chunk, and the mapping behind it if it is not a managed array.</summary>
    private readonly record struct Segment(ReadOnlyMemory<byte> Bytes, MappedMemory? Mapping);
}

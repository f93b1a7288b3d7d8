namespace Subprocess.Pipes;

/// <summary>
/// Bytes collected from one child stream, in chunks that grow as output grows so a large capture
/// costs few allocations. Written by one pump, read by any thread. With a spill file, output past the
/// spill threshold moves to that file, so memory stays bounded however much a child writes.
/// </summary>
internal sealed class OutputBuffer(string name, long limit = long.MaxValue, string? spillPath = null, long spillThreshold = 1 << 20)
    : IByteSink, IDisposable
{
    private const int FirstChunk = 16 * 1024;
    private const int LargestChunk = 4 * 1024 * 1024;
    private readonly List<byte[]> _full = [];
    private byte[] _current = [];
    private int _used;
    private long _length;
    private FileStream? _spill;

    public long Length
    {
        get
        {
            lock (_full)
            {
                return _length;
            }
        }
    }

    /// <summary>Which stream this collects ("stdout", "stderr"), for messages.</summary>
    public string Name => name;

    /// <summary>The most bytes this buffer keeps; beyond it <see cref="Advance"/> throws.</summary>
    public long Limit => limit;

    /// <summary>Free space at the end to read into; follow with <see cref="Advance"/>.</summary>
    public Memory<byte> GetFreeSpace()
    {
        lock (_full)
        {
            if (_used == _current.Length)
            {
                if (_current.Length > 0 && _spill is null)
                {
                    _full.Add(_current);
                }
                _current = _spill is null || _current.Length == 0
                    ? GC.AllocateUninitializedArray<byte>((int)Math.Clamp(_length, FirstChunk, LargestChunk))
                    : _current;
                _used = 0;
            }
            return _current.AsMemory(_used);
        }
    }

    /// <summary>Records that <paramref name="count"/> bytes were written into the free space.</summary>
    /// <exception cref="OutputLimitException">The buffer now holds more than its limit; it keeps the first
    /// <see cref="Limit"/> bytes.</exception>
    public void Advance(int count)
    {
        lock (_full)
        {
            long over = _length + count - limit;
            int kept = over > 0 ? count - (int)over : count;
            _used += kept;
            _length += kept;
            if (_spill is not null)
            {
                _spill.Write(_current, 0, _used);
                _used = 0;
            }
            else if (spillPath is not null && _length > spillThreshold)
            {
                Spill(spillPath);
            }
            if (over > 0)
            {
                throw new OutputLimitException(name, limit);
            }
        }
    }

    /// <summary>Everything collected so far, as one array (read back from the spill file if there is one).</summary>
    public byte[] ToArray()
    {
        lock (_full)
        {
            if (_spill is not null)
            {
                _spill.Flush();
                return File.ReadAllBytes(_spill.Name);
            }
            byte[] all = GC.AllocateUninitializedArray<byte>(checked((int)_length));
            int offset = 0;
            foreach (byte[] chunk in _full)
            {
                chunk.CopyTo(all, offset);
                offset += chunk.Length;
            }
            _current.AsSpan(0, _used).CopyTo(all.AsSpan(offset));
            return all;
        }
    }

    /// <summary>The collected bytes as a stream, without gathering a spilled file into memory.</summary>
    public Stream OpenRead()
    {
        lock (_full)
        {
            if (_spill is null)
            {
                return new MemoryStream(ToArray(), writable: false);
            }
            _spill.Flush();
            return new FileStream(_spill.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
    }

    /// <summary>Deletes the spill file, if any.</summary>
    public void Dispose()
    {
        lock (_full)
        {
            if (_spill is not null)
            {
                _spill.Dispose();
                File.Delete(_spill.Name);
            }
        }
    }

    private void Spill(string path)
    {
        _spill = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16);
        foreach (byte[] chunk in _full)
        {
            _spill.Write(chunk);
        }
        _spill.Write(_current, 0, _used);
        _full.Clear();
        _used = 0;
    }
}

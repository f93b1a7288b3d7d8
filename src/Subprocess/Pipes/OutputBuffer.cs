namespace Subprocess.Pipes;

/// <summary>
/// Bytes collected from one child stream, in chunks that grow as output grows so a large capture
/// costs few allocations. Written by one pump, snapshotted by any thread.
/// </summary>
internal sealed class OutputBuffer(string name, long limit = long.MaxValue)
{
    private const int FirstChunk = 16 * 1024;
    private const int LargestChunk = 4 * 1024 * 1024;
    private readonly List<byte[]> _full = [];
    private byte[] _current = [];
    private int _used;
    private long _length;

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

    /// <summary>Free space at the end to read into; follow with <see cref="Advance"/>.</summary>
    public Memory<byte> GetFreeSpace()
    {
        lock (_full)
        {
            if (_used == _current.Length)
            {
                if (_current.Length > 0)
                {
                    _full.Add(_current);
                }
                _current = GC.AllocateUninitializedArray<byte>(
                    (int)Math.Clamp(_length, FirstChunk, LargestChunk));
                _used = 0;
            }
            return _current.AsMemory(_used);
        }
    }

    /// <summary>Which stream this collects ("stdout", "stderr"), for messages.</summary>
    public string Name => name;

    /// <summary>The most bytes this buffer keeps; beyond it <see cref="Advance"/> throws.</summary>
    public long Limit => limit;

    /// <summary>Records that <paramref name="count"/> bytes were written into the free space.</summary>
    /// <exception cref="OutputLimitException">The buffer now holds more than its limit; it keeps the first
    /// <see cref="Limit"/> bytes.</exception>
    public void Advance(int count)
    {
        lock (_full)
        {
            long over = _length + count - limit;
            if (over > 0)
            {
                count -= (int)over;
                _used += count;
                _length += count;
                throw new OutputLimitException(name, limit);
            }
            _used += count;
            _length += count;
        }
    }

    /// <summary>Everything collected so far, as one array.</summary>
    public byte[] ToArray()
    {
        lock (_full)
        {
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
}

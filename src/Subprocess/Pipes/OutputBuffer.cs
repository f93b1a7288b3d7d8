namespace Subprocess.Pipes;

/// <summary>
/// Bytes collected from one child stream, in chunks that grow as output grows so a large capture
/// costs few allocations. Written by one pump, snapshotted by any thread.
/// </summary>
internal sealed class OutputBuffer
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

    /// <summary>Records that <paramref name="count"/> bytes were written into the free space.</summary>
    public void Advance(int count)
    {
        lock (_full)
        {
            _used += count;
            _length += count;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            Memory<byte> free = GetFreeSpace();
            int n = Math.Min(free.Length, data.Length);
            data[..n].CopyTo(free.Span);
            Advance(n);
            data = data[n..];
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

using System.Collections.Concurrent;

namespace Subprocess.Cli.Inputs;

/// <summary>
/// <c>--pipe</c>'s blocks, cut as GNU parallel cuts them: <c>--block</c> bytes (what was left over from
/// the last block, then more input), ended after the last record in it (a record ends with <c>--recend</c>,
/// <c>\n</c> by default, and the next starts with <c>--recstart</c>, if given); or, with <c>-N</c>, that
/// many records however long. A record longer than a block makes its block longer. What follows the
/// last record end is the last block. Read lazily, a block at a time: memory holds the blocks of the
/// running jobs, not the input.
/// </summary>
/// <param name="input">Where the records come from (stdin, or a file).</param>
/// <param name="blockSize">About how many bytes a block holds.</param>
/// <param name="recordEnd">The bytes that end a record.</param>
/// <param name="recordStart">The bytes that start one.</param>
/// <param name="records">Exactly this many records a block (the last may have fewer); null: by size.</param>
/// <param name="forward">Cut as <c>--pipe-part</c> does: after the first record end at or past
/// <c>--block</c> bytes, rather than after the last one within them.</param>
/// <param name="held">How many blocks may be out at once (read and not yet given back): the jobs that
/// run, and a few read ahead. Reading waits beyond that, so memory holds that many blocks whatever the
/// input's size.</param>
internal sealed class Blocks(Stream input, int blockSize, byte[] recordEnd, byte[] recordStart, int? records, bool forward = false, int held = 4)
    : IDisposable
{
    private readonly SemaphoreSlim _outstanding = new(held, held);

    private readonly byte[] _separator = [.. recordEnd, .. recordStart];
    private byte[] _buffer = new byte[Math.Max(blockSize, 1) * 2];
    private int _held;
    private bool _ended;

    /// <summary>Arrays given back by jobs that are done, for the next blocks: a 258 MB input was 258 MB of
    /// large arrays, which the collector leaves for a full collection.</summary>
    private readonly ConcurrentBag<byte[]> _free = [];

    /// <summary>The blocks, in order, as each job's stdin; give each back (<see cref="Release"/>) once its
    /// job is done, so that memory holds about as many blocks as jobs run at once.</summary>
    public IEnumerable<ArraySegment<byte>> Read()
    {
        while (true)
        {
            int cut;
            if (records is int count)
            {
                while ((cut = Cut(count)) < 0 && !_ended)
                {
                    Fill(_held + blockSize);
                }
            }
            else if (forward)
            {
                Fill(blockSize + 1);
                while ((cut = CutAfter(blockSize)) < 0 && !_ended)
                {
                    Fill(_held + blockSize);
                }
            }
            else
            {
                Fill(blockSize); // what was left over counts towards the block, as in GNU parallel
                while ((cut = Cut(null)) < 0 && !_ended)
                {
                    Fill(_held + blockSize);
                }
            }
            if (cut < 0)
            {
                cut = _held; // the end of the input ends the last record
            }
            if (cut == 0)
            {
                yield break;
            }
            // The jobs report (and give back) behind the reading, which is faster: it waits for them here.
            _outstanding.Wait();
            byte[] block = _free.TryTake(out byte[]? spare) && spare.Length >= cut ? spare : new byte[Math.Max(cut, blockSize)];
            _buffer.AsSpan(0, cut).CopyTo(block);
            yield return new ArraySegment<byte>(block, 0, cut);
            _buffer.AsSpan(cut, _held - cut).CopyTo(_buffer);
            _held -= cut;
        }
    }

    public void Dispose() => _outstanding.Dispose();

    /// <summary>Gives a block's array back, for a later block.</summary>
    public void Release(ArraySegment<byte> block)
    {
        _free.Add(block.Array!);
        _outstanding.Release();
    }

    /// <summary>Reads until <paramref name="target"/> bytes are held, or the input ends.</summary>
    private void Fill(int target)
    {
        if (_buffer.Length < target)
        {
            Array.Resize(ref _buffer, Math.Max(target, _buffer.Length * 2));
        }
        while (_held < target && !_ended)
        {
            int n = input.Read(_buffer, _held, target - _held);
            _ended = n == 0;
            _held += n;
        }
    }

    /// <summary>Where the next block ends for <c>--pipe-part</c>: after the first record end from <paramref name="from"/> on; -1 if none (yet).</summary>
    private int CutAfter(int from)
    {
        ReadOnlySpan<byte> data = _buffer.AsSpan(0, _held);
        int at = from >= data.Length ? -1 : data[from..].IndexOf(_separator);
        return at < 0 ? -1 : from + at + recordEnd.Length;
    }

    /// <summary>Where the next block ends in what is held: after the last record end (by size), or after
    /// the <paramref name="count"/>-th; -1 if there is none (yet). A record start at the very beginning is
    /// the first record's own, not a cut.</summary>
    private int Cut(int? count)
    {
        ReadOnlySpan<byte> data = _buffer.AsSpan(0, _held);
        if (count is int wanted)
        {
            int end = 0, found = 0;
            while (found < wanted)
            {
                int from = end + (recordEnd.Length == 0 ? 1 : 0); // a record start is not a cut before its own record
                int at = from > data.Length ? -1 : data[from..].IndexOf(_separator);
                at = at < 0 ? -1 : at + from - end;
                if (at < 0)
                {
                    return -1;
                }
                end += at + recordEnd.Length;
                found++;
            }
            return end;
        }
        int last = data.LastIndexOf(_separator);
        return last < 0 || last + recordEnd.Length == 0 ? -1 : last + recordEnd.Length;
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Subprocess;

/// <summary>
/// The blocks of <see cref="RecordBlocks"/> read from a stream lazily, a block at a time: memory holds
/// the blocks of the running jobs and a few read ahead, never the input.
/// </summary>
/// <param name="input">Where the records come from.</param>
/// <param name="how">How they are cut.</param>
/// <param name="held">How many blocks may be out at once (read and not yet given back): the jobs that
/// run, and a few read ahead. Reading waits beyond that.</param>
internal sealed class BlockReader(Stream input, RecordBlocks how, int held) : IDisposable
{
    private readonly SemaphoreSlim _outstanding = new(held, held);
    private readonly int _blockSize = how.BlockSize;
    private readonly byte[] _recordEnd = how.RecordEnd.ToArray();
    private readonly byte[] _separator = [.. how.RecordEnd.Span, .. how.RecordStart.Span];
    private byte[] _buffer = new byte[how.BlockSize * 2L > Array.MaxLength ? Array.MaxLength : how.BlockSize * 2];
    private int _held;
    private bool _ended;

    /// <summary>Arrays given back by jobs that are done, for the next blocks: a 258 MB input was 258 MB of
    /// large arrays, which the collector leaves for a full collection.</summary>
    private readonly ConcurrentBag<byte[]> _free = [];

    /// <summary>The blocks, in order; give each back (<see cref="Release"/>) once its job is done.</summary>
    public async IAsyncEnumerable<ArraySegment<byte>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int cut;
            if (how.RecordsPerBlock is int count)
            {
                while ((cut = Cut(count)) < 0 && !_ended)
                {
                    await FillAsync((long)_held + _blockSize, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (how.CutPastBlockSize)
            {
                await FillAsync(_blockSize + 1L, cancellationToken).ConfigureAwait(false);
                while ((cut = CutAfter(_blockSize)) < 0 && !_ended)
                {
                    await FillAsync((long)_held + _blockSize, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await FillAsync(_blockSize, cancellationToken).ConfigureAwait(false); // what was left over counts towards the block, as in GNU parallel
                while ((cut = Cut(null)) < 0 && !_ended)
                {
                    await FillAsync((long)_held + _blockSize, cancellationToken).ConfigureAwait(false);
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
            // The jobs end behind the reading, which is faster: it waits for them here.
            await _outstanding.WaitAsync(cancellationToken).ConfigureAwait(false);
            byte[] block = _free.TryTake(out byte[]? spare) && spare.Length >= cut ? spare : new byte[Math.Max(cut, _blockSize)];
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

    /// <summary>Reads until <paramref name="wanted"/> bytes are held, or the input ends.</summary>
    /// <exception cref="InvalidDataException">A record longer than an array holds.</exception>
    private async ValueTask FillAsync(long wanted, CancellationToken cancellationToken)
    {
        if (_held == Array.MaxLength && wanted > _held)
        {
            throw new InvalidDataException($"A record runs past {Array.MaxLength:N0} bytes without ending; no block can hold it.");
        }
        int target = (int)Math.Min(wanted, Array.MaxLength);
        if (_buffer.Length < target)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max(target, _buffer.Length * 2L), Array.MaxLength));
        }
        while (_held < target && !_ended)
        {
            int n = await input.ReadAsync(_buffer.AsMemory(_held, target - _held), cancellationToken).ConfigureAwait(false);
            _ended = n == 0;
            _held += n;
        }
    }

    /// <summary>Where the next block ends for <see cref="RecordBlocks.CutPastBlockSize"/>: after the first
    /// record end from <paramref name="from"/> on; -1 if none (yet).</summary>
    private int CutAfter(int from)
    {
        ReadOnlySpan<byte> data = _buffer.AsSpan(0, _held);
        int at = from >= data.Length ? -1 : data[from..].IndexOf(_separator);
        return at < 0 ? -1 : from + at + _recordEnd.Length;
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
                int from = end + (_recordEnd.Length == 0 ? 1 : 0); // a record start is not a cut before its own record
                int at = from > data.Length ? -1 : data[from..].IndexOf(_separator);
                at = at < 0 ? -1 : at + from - end;
                if (at < 0)
                {
                    return -1;
                }
                end += at + _recordEnd.Length;
                found++;
            }
            return end;
        }
        int last = data.LastIndexOf(_separator);
        return last < 0 || last + _recordEnd.Length == 0 ? -1 : last + _recordEnd.Length;
    }
}

namespace Subprocess;

/// <summary>
/// How <see cref="JobRunner.RunBlocksAsync"/> cuts a stream into blocks of whole records, as GNU
/// parallel's <c>--pipe</c> cuts them: about <see cref="BlockSize"/> bytes, ended after the last
/// record end in them (a record ends with <see cref="RecordEnd"/> and the next starts with
/// <see cref="RecordStart"/>); or <see cref="RecordsPerBlock"/> records however long. A record longer
/// than a block makes its block longer; what follows the last record end is the last block.
/// </summary>
/// <example><code>
/// // FASTA records, 100 to a job.
/// var blocks = new RecordBlocks { RecordEnd = ReadOnlyMemory&lt;byte&gt;.Empty, RecordStart = "&gt;"u8.ToArray(), RecordsPerBlock = 100 };
/// </code></example>
public sealed record RecordBlocks
{
    private static readonly byte[] Newline = [(byte)'\n'];

    /// <summary>About how many bytes a block holds (default 1 MiB; at most 1 GiB, as blocks are held in memory).</summary>
    public int BlockSize { get; init; } = 1 << 20;

    /// <summary>The bytes that end a record (default a newline; empty: records are cut only where
    /// <see cref="RecordStart"/> begins one).</summary>
    public ReadOnlyMemory<byte> RecordEnd { get; init; } = Newline;

    /// <summary>The bytes that start a record (default none).</summary>
    public ReadOnlyMemory<byte> RecordStart { get; init; }

    /// <summary>Exactly this many records a block, the last perhaps fewer (GNU parallel's <c>--pipe -N</c>);
    /// null (the default): as many as fit in <see cref="BlockSize"/>.</summary>
    public int? RecordsPerBlock { get; init; }

    /// <summary>Cut after the first record end at or past <see cref="BlockSize"/> bytes, rather than
    /// after the last one within them: GNU parallel's <c>--pipepart</c>, which cuts files so.</summary>
    public bool CutPastBlockSize { get; init; }

    /// <exception cref="ArgumentOutOfRangeException">A block size or a record count below 1, or a block size past 1 GiB.</exception>
    /// <exception cref="ArgumentException">No record end and no record start: nothing would cut a record.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 1 << 30, nameof(BlockSize));
        if (RecordsPerBlock is int records)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(records, 1, nameof(RecordsPerBlock));
        }
        if (RecordEnd.IsEmpty && RecordStart.IsEmpty)
        {
            throw new ArgumentException("RecordEnd and RecordStart are both empty: nothing would end a record.", nameof(RecordEnd));
        }
    }
}

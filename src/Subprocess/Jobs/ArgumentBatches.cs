using System.Text;

namespace Subprocess;

/// <summary>
/// Several inputs a job, as <c>xargs</c> and GNU parallel's <c>-m</c>/<c>-X</c> make them: runs of
/// consecutive arguments that each fit on one command line, for <see cref="JobRunner"/> to give a job
/// each. (A fixed number a job is <c>inputs.Chunk(n)</c>.)
/// </summary>
/// <example><code>
/// // gzip thousands of files in as few calls as command lines allow, two at a time.
/// string[] files = Directory.GetFiles("logs");
/// await foreach (JobResult job in JobRunner.RunAsync(ArgumentBatches.ByCommandLineLength(files, spreadOver: 2),
///     (batch, _) => Pipeline.Create(Command.Create("gzip", batch)), new JobOptions { MaxParallel = 2 }))
/// {
///     job.Dispose();
/// }
/// </code></example>
public static class ArgumentBatches
{
    /// <summary>The most bytes of arguments a batch holds by default: <c>xargs</c>'s default command line
    /// (128 KiB) less room for the command itself. (Linux takes at most 128 KiB in any one argument.)</summary>
    public const int DefaultMaxBytes = 128 * 1024 - 4096;

    /// <summary>
    /// The runs of consecutive <paramref name="arguments"/>, in order, each holding as many as fit in
    /// <paramref name="maxBytes"/> (an argument counts its UTF-8 bytes and the NUL after it), but no more
    /// than an even share over <paramref name="spreadOver"/> jobs, so that when they would not fill
    /// that many command lines every job still gets some (GNU parallel's <c>-m</c> with <c>-j</c>).
    /// An argument longer than <paramref name="maxBytes"/> is a batch of its own.
    /// </summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="maxBytes">The most bytes a batch's arguments take (default <see cref="DefaultMaxBytes"/>).</param>
    /// <param name="spreadOver">How many jobs to spread them over at least; 0 (the default): fill each batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> below 1 or <paramref name="spreadOver"/> negative.</exception>
    public static IEnumerable<IReadOnlyList<string>> ByCommandLineLength(IReadOnlyList<string> arguments, int maxBytes = DefaultMaxBytes, int spreadOver = 0)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(spreadOver);
        return Ranges(arguments.Count, i => Utf8Length(arguments[i]) + 1, spreadOver, maxBytes)
            .Select(range => (IReadOnlyList<string>)[.. Enumerable.Range(range.Start, range.Count).Select(i => arguments[i])]);
    }

    /// <summary>The runs of consecutive items, of <paramref name="size"/> bytes each, that make the batches
    /// (see <see cref="ByCommandLineLength"/>): the one cut, for the tool's jobs of several values too.</summary>
    internal static IEnumerable<(int Start, int Count)> Ranges(int total, Func<int, long> size, int spreadOver, int maxBytes)
    {
        int share = spreadOver > 0 ? Math.Max(1, (total + spreadOver - 1) / spreadOver) : total;
        int start = 0, count = 0;
        long length = 0;
        for (int i = 0; i < total; i++)
        {
            long bytes = size(i);
            if (count > 0 && (count == share || length + bytes > maxBytes))
            {
                yield return (start, count);
                (start, count, length) = (i, 0, 0);
            }
            count++;
            length += bytes;
        }
        if (count > 0)
        {
            yield return (start, count);
        }
    }

    /// <summary>A value's bytes in UTF-8: its length when it is ASCII, as arguments nearly always are, which is
    /// quicker to find than <c>GetByteCount</c>'s answer, whose set-up outweighs a value of a few characters.</summary>
    internal static int Utf8Length(string value) => Ascii.IsValid(value) ? value.Length : Encoding.UTF8.GetByteCount(value);
}

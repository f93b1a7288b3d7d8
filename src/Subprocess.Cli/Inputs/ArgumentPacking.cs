using System.Text;

namespace Subprocess.Cli.Inputs;

/// <summary>
/// Jobs of several arguments, as GNU parallel makes them: <c>-n N</c>, <c>-N N</c> and <c>-L N</c> put N
/// arguments in each job (fewer in the last); <c>-m</c> and <c>-X</c> as many as a command line holds
/// (<see cref="LineLength"/> bytes, as <c>xargs</c> allows), spread evenly over the job slots when they
/// would not fill them all.
/// </summary>
internal static class ArgumentPacking
{
    /// <summary>The most bytes of arguments one job gets under <c>-m</c>/<c>-X</c>: <c>xargs</c>'s default
    /// command line (128 KiB) less room for the command itself. Linux takes at most 128 KiB in one
    /// argument, which <c>-m</c>'s joined <c>{}</c> can be.</summary>
    public const int LineLength = 128 * 1024 - 4096;

    /// <summary>Jobs of <paramref name="count"/> arguments each, in order; with <paramref name="count"/> 0, a
    /// job per argument that is given none of it (GNU parallel's <c>-N0</c>).</summary>
    public static IEnumerable<JobInput> ByCount(IEnumerable<IReadOnlyList<string>> arguments, int count) => count == 0
        ? arguments.Select((_, index) => new JobInput(index + 1, []) { Arguments = [] })
        : arguments.Chunk(count).Select((chunk, index) => Job(index + 1, chunk));

    /// <summary>Jobs holding as many arguments as fit in <see cref="LineLength"/> bytes, but no more than an
    /// even share over <paramref name="slots"/> (0: no limit), so that every slot gets work.</summary>
    public static IEnumerable<JobInput> ByLength(IReadOnlyList<IReadOnlyList<string>> arguments, int slots) =>
        Ranges(arguments.Count, i => Bytes(arguments[i]), slots)
            .Select((range, index) => Job(index + 1, [.. Enumerable.Range(range.Start, range.Count).Select(i => arguments[i])]));

    /// <summary><see cref="ByLength(IReadOnlyList{IReadOnlyList{string}}, int)"/> for the one source there is,
    /// without a list for each of its items: -X over 100,000 inputs spent a fifth of its time collecting them.</summary>
    public static IEnumerable<JobInput> ByLength(IReadOnlyList<string> values, int slots)
    {
        List<string> all = values as List<string> ?? [.. values];
        return Ranges(all.Count, i => Utf8Length(all[i]) + 1, slots)
            .Select((range, index) => Alone(index + 1, new ListRange<string>(all, range.Start, range.Count)));
    }

    /// <summary>The runs of consecutive arguments, of <paramref name="size"/> bytes each, that make the jobs.</summary>
    private static IEnumerable<(int Start, int Count)> Ranges(int total, Func<int, long> size, int slots)
    {
        int share = slots > 0 ? Math.Max(1, (total + slots - 1) / slots) : total;
        int start = 0, count = 0;
        long length = 0;
        for (int i = 0; i < total; i++)
        {
            long bytes = size(i);
            if (count > 0 && (count == share || length + bytes > LineLength))
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

    /// <summary>One argument's bytes on the command line: each value and the space (or NUL) after it.</summary>
    private static long Bytes(IReadOnlyList<string> argument)
    {
        long size = 0;
        for (int i = 0; i < argument.Count; i++)
        {
            size += Utf8Length(argument[i]) + 1;
        }
        return size;
    }

    /// <summary>A value's bytes in UTF-8: its length when it is ASCII, as inputs nearly always are, which is
    /// quicker to find than <c>GetByteCount</c>'s answer, whose set-up outweighs a value of a few characters.</summary>
    private static int Utf8Length(string value) => Ascii.IsValid(value) ? value.Length : Encoding.UTF8.GetByteCount(value);

    private static JobInput Alone(long number, IReadOnlyList<string> values) => new(number, values) { Arguments = new EachAlone(values) };

    /// <summary>The arguments of a job from one source: each a list of its one value, made when asked for.</summary>
    private sealed class EachAlone(IReadOnlyList<string> values) : IReadOnlyList<IReadOnlyList<string>>
    {
        public IReadOnlyList<string> this[int index] => [values[index]];

        public int Count => values.Count;

        public IEnumerator<IReadOnlyList<string>> GetEnumerator() => values.Select(value => (IReadOnlyList<string>)[value]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static JobInput Job(long number, IReadOnlyList<string>[] arguments)
    {
        var values = new List<string>(arguments.Length);
        foreach (IReadOnlyList<string> argument in arguments)
        {
            values.AddRange(argument);
        }
        return new(number, values) { Arguments = arguments };
    }
}

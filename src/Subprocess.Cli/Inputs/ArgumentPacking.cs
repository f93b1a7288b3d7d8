namespace Subprocess.Cli.Inputs;

/// <summary>
/// Jobs of several arguments, as GNU parallel makes them: <c>-n N</c>, <c>-N N</c> and <c>-L N</c> put N
/// arguments in each job (fewer in the last); <c>-m</c> and <c>-X</c> as many as a command line holds
/// (the library's <see cref="ArgumentBatches"/>: 124 KiB, or <c>-s</c>), spread evenly over the job
/// slots when they would not fill them all.
/// </summary>
internal static class ArgumentPacking
{
    /// <summary>Jobs of <paramref name="count"/> arguments each, in order; with <paramref name="count"/> 0, a
    /// job per argument that is given none of it (GNU parallel's <c>-N0</c>).</summary>
    public static IEnumerable<JobInput> ByCount(IEnumerable<IReadOnlyList<string>> arguments, int count) => count == 0
        ? arguments.Select((_, index) => new JobInput(index + 1, []) { Arguments = [] })
        : arguments.Chunk(count).Select((chunk, index) => Job(index + 1, chunk));

    /// <summary>Jobs holding as many arguments as fit in <paramref name="maxBytes"/>, but no more than an
    /// even share over <paramref name="slots"/> (0: no limit), so that every slot gets work.</summary>
    public static IEnumerable<JobInput> ByLength(IReadOnlyList<IReadOnlyList<string>> arguments, int slots, int maxBytes = ArgumentBatches.DefaultMaxBytes) =>
        ArgumentBatches.Ranges(arguments.Count, i => Bytes(arguments[i]), slots, maxBytes)
            .Select((range, index) => Job(index + 1, [.. Enumerable.Range(range.Start, range.Count).Select(i => arguments[i])]));

    /// <summary><see cref="ByLength(IReadOnlyList{IReadOnlyList{string}}, int, int)"/> for the one source there is,
    /// without a list for each of its items: -X over 100,000 inputs spent a fifth of its time collecting them.</summary>
    public static IEnumerable<JobInput> ByLength(IReadOnlyList<string> values, int slots, int maxBytes = ArgumentBatches.DefaultMaxBytes)
    {
        List<string> all = values as List<string> ?? [.. values];
        return ArgumentBatches.Ranges(all.Count, i => ArgumentBatches.Utf8Length(all[i]) + 1, slots, maxBytes)
            .Select((range, index) => Alone(index + 1, new ListRange<string>(all, range.Start, range.Count)));
    }

    /// <summary>One argument's bytes on the command line: each value and the space (or NUL) after it.</summary>
    private static long Bytes(IReadOnlyList<string> argument)
    {
        long size = 0;
        for (int i = 0; i < argument.Count; i++)
        {
            size += ArgumentBatches.Utf8Length(argument[i]) + 1;
        }
        return size;
    }

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

using System.Buffers;

namespace Subprocess.Cli.Inputs;

/// <summary>
/// GNU parallel's input sources: <c>::: a b c</c> (arguments), <c>:::: file</c> and <c>-a file</c>
/// (the items of a file, <c>-</c> for stdin), or stdin's items when none is given. Items are lines, or
/// what <c>-d</c>/<c>-0</c> delimit. Several sources combine as a cross product, the first varying
/// slowest; <c>:::+</c> and <c>::::+</c> link a source to the one before (item by item, as far as the
/// shorter goes), and <c>--link</c> links them all (the shorter ones wrapping round).
/// </summary>
internal sealed class InputSources
{
    /// <summary>Groups of linked sources: the cross product is over the groups.</summary>
    private readonly List<List<List<string>>> _groups;
    private readonly bool _wrap;

    private readonly System.Text.RegularExpressions.Regex? _columns;
    private readonly Func<string, string> _trim;

    private InputSources(List<List<List<string>>> groups, bool wrap, InputOptions options)
    {
        (_groups, _wrap, _columns, _trim) = (groups, wrap, options.Columns, options.Trimmed);
        Names = options.Header ? TakeHeaders() : [];
    }

    /// <summary>Under <c>--header</c>, the name of each value a job gets (a source, or a column of one), in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The first item of each source, its name or its columns' names, taken out of the inputs.</summary>
    private List<string> TakeHeaders()
    {
        var names = new List<string>();
        foreach (List<string> source in _groups.SelectMany(group => group))
        {
            if (source.Count > 0)
            {
                names.AddRange(Split(source[0]));
                source.RemoveAt(0);
            }
        }
        return names;
    }

    /// <summary>A value as the job gets it: whole, or its columns under <c>--colsep</c>, each trimmed.</summary>
    private IEnumerable<string> Split(string value) => _columns is null ? [value] : _columns.Split(value).Select(_trim);

    /// <summary>Whether some input holds a NUL, which no program can be given: read straight from the
    /// lists, a quicker scan than one through each job's values.</summary>
    public bool HoldsNul()
    {
        foreach (List<List<string>> group in _groups)
        {
            foreach (List<string> source in group)
            {
                foreach (string item in source)
                {
                    if (item.Contains('\0', StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>How many sources there are (the values a job gets).</summary>
    public int Count => _groups.Sum(group => group.Count);

    /// <summary>Splits the words after the options into the command template and the input sources.</summary>
    /// <param name="words">The words after the options.</param>
    /// <param name="stdin">Opens stdin, when a source reads it.</param>
    /// <param name="options">How items are read and combined.</param>
    /// <exception cref="UsageException">A <c>::::</c> without a file, or a file that cannot be read.</exception>
    public static (IReadOnlyList<string> Template, InputSources Sources) Split(IReadOnlyList<string> words, Func<TextReader> stdin, InputOptions? options = null)
    {
        options ??= InputOptions.Default;
        int first = Enumerable.Range(0, words.Count).FirstOrDefault(i => options.IsSeparator(words[i]), words.Count);
        var template = words.Take(first).ToList();
        var groups = new List<List<List<string>>>();
        foreach (string file in options.ArgFiles)
        {
            groups.Add([Items(file, stdin, options)]);
        }
        for (int i = first; i < words.Count;)
        {
            string marker = words[i++];
            var group = new List<string>();
            while (i < words.Count && !options.IsSeparator(words[i]))
            {
                group.Add(words[i++]);
            }
            if (options.IsFileSeparator(marker) && group.Count == 0)
            {
                throw new UsageException($"{marker} needs at least one file to read inputs from (- for stdin).");
            }
            List<List<string>> sources = options.IsFileSeparator(marker)
                ? [.. group.Select(file => Items(file, stdin, options))]
                : [[.. group.Select(options.Trimmed)]]; // --trim trims these too, as GNU parallel does
            bool linked = marker.EndsWith('+') && groups.Count > 0;
            for (int s = 0; s < sources.Count; s++)
            {
                if (linked && s == 0)
                {
                    groups[^1].Add(sources[s]);
                }
                else
                {
                    groups.Add([sources[s]]);
                }
            }
        }
        if (groups.Count == 0)
        {
            groups.Add([Read(stdin(), options)]);
        }
        if (options.Link)
        {
            groups = [[.. groups.SelectMany(group => group)]];
        }
        return (template, new InputSources(groups, options.Link, options));
    }

    /// <summary>The items of the one source there is, the common case, or null when there are several.</summary>
    public IReadOnlyList<string>? Single => _groups is [[List<string> only]] && _columns is null ? only : null;

    /// <summary>Every combination, one value per source (or its columns, under <c>--colsep</c>), in order:
    /// the first group varies slowest.</summary>
    public IEnumerable<IReadOnlyList<string>> Combinations() =>
        Single is { } only ? only.Select(value => (IReadOnlyList<string>)[value])
        : _columns is null ? Crossed()
        : Crossed().Select(values => (IReadOnlyList<string>)[.. values.SelectMany(Split)]);

    private IEnumerable<IReadOnlyList<string>> Crossed()
    {
        int[] lengths = [.. _groups.Select(group => _wrap ? group.Max(source => source.Count) : group.Min(source => source.Count))];
        if (lengths.Any(length => length == 0) || _groups.Any(group => group.Any(source => source.Count == 0)))
        {
            yield break;
        }
        int[] index = new int[_groups.Count];
        while (true)
        {
            var values = new List<string>(Count);
            for (int g = 0; g < _groups.Count; g++)
            {
                values.AddRange(_groups[g].Select(source => source[index[g] % source.Count]));
            }
            yield return values;
            int next = _groups.Count - 1;
            while (next >= 0 && ++index[next] == lengths[next])
            {
                index[next--] = 0;
            }
            if (next < 0)
            {
                yield break;
            }
        }
    }

    private static List<string> Items(string file, Func<TextReader> stdin, InputOptions options)
    {
        if (file == "-")
        {
            return Read(stdin(), options);
        }
        try
        {
            using var reader = new StreamReader(file);
            return Read(reader, options);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read inputs from {file}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"cannot read inputs from {file}: {e.Message}");
        }
    }

    /// <summary>The items of <paramref name="reader"/>: what comes between delimiters (a newline unless
    /// told), an empty one after a last delimiter dropped, each trimmed as <c>--trim</c> says.</summary>
    private static List<string> Read(TextReader reader, InputOptions options)
    {
        // Split as blocks arrive, not from the whole text read first: -X over 100,000 inputs spent 7% of
        // its CPU building, copying and faulting in that one string (twice its bytes in chars).
        var items = new List<string>();
        char[] buffer = ArrayPool<char>.Shared.Rent(BlockChars);
        try
        {
            int held = 0;
            while (true)
            {
                if (held == buffer.Length)
                {
                    // One item longer than the buffer: make room for the rest of it.
                    char[] larger = ArrayPool<char>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, held).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = reader.Read(buffer, held, buffer.Length - held);
                if (read == 0)
                {
                    break;
                }
                int taken = Split(buffer.AsSpan(0, held + read), held, options, items);
                buffer.AsSpan(taken, held + read - taken).CopyTo(buffer);
                held += read - taken;
            }
            if (held > 0)
            {
                items.Add(options.Trimmed(new string(buffer, 0, held)));
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
        return items;
    }

    /// <summary>Adds the items <paramref name="text"/> ends, given that none ends in its first <paramref name="seen"/>
    /// characters; returns how many characters they took, delimiters included.</summary>
    private static int Split(ReadOnlySpan<char> text, int seen, InputOptions options, List<string> items)
    {
        string delimiter = options.Delimiter;
        // A delimiter of several characters may have begun in what was seen; one character (a newline,
        // the usual case) is searched for as a character, the quicker search for items of a few.
        int from = Math.Max(0, seen - (delimiter.Length - 1)), start = 0;
        for (int end; (end = delimiter.Length == 1 ? text[from..].IndexOf(delimiter[0]) : text[from..].IndexOf(delimiter, StringComparison.Ordinal)) >= 0; from = start)
        {
            items.Add(options.Trimmed(new string(text.Slice(start, from + end - start))));
            start = from + end + delimiter.Length;
        }
        return start;
    }

    /// <summary>How many characters are read at a time.</summary>
    private const int BlockChars = 1 << 16;
}

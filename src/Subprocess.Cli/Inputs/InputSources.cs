namespace Subprocess.Cli.Inputs;

/// <summary>
/// GNU parallel's input sources: <c>::: a b c</c> (arguments), <c>:::: file</c> (lines of a file,
/// <c>-</c> for stdin), or stdin's lines when neither is given. Several sources combine as a cross
/// product, the first varying slowest.
/// </summary>
internal sealed class InputSources
{
    private readonly List<IReadOnlyList<string>> _sources;

    private InputSources(List<IReadOnlyList<string>> sources) => _sources = sources;

    public int Count => _sources.Count;

    /// <summary>Splits the words after the options into the command template and the input sources.</summary>
    /// <exception cref="UsageException">A <c>::::</c> without a file, or a file that cannot be read.</exception>
    public static (IReadOnlyList<string> Template, InputSources Sources) Split(IReadOnlyList<string> words, Func<TextReader> stdin)
    {
        int first = Enumerable.Range(0, words.Count).FirstOrDefault(i => words[i] is ":::" or "::::", words.Count);
        var template = words.Take(first).ToList();
        var sources = new List<IReadOnlyList<string>>();
        for (int i = first; i < words.Count;)
        {
            string marker = words[i++];
            var group = new List<string>();
            while (i < words.Count && words[i] is not (":::" or "::::"))
            {
                group.Add(words[i++]);
            }
            if (marker == ":::")
            {
                sources.Add(group);
                continue;
            }
            if (group.Count == 0)
            {
                throw new UsageException(":::: needs at least one file to read inputs from (- for stdin).");
            }
            sources.AddRange(group.Select(file => Lines(file, stdin)));
        }
        if (sources.Count == 0)
        {
            sources.Add(ReadLines(stdin()));
        }
        return (template, new InputSources(sources));
    }

    /// <summary>Every combination, one value per source, in order: the first source varies slowest.</summary>
    public IEnumerable<IReadOnlyList<string>> Combinations()
    {
        if (_sources.Any(s => s.Count == 0))
        {
            yield break;
        }
        int[] index = new int[_sources.Count];
        while (true)
        {
            yield return [.. index.Select((k, s) => _sources[s][k])];
            int source = _sources.Count - 1;
            while (source >= 0 && ++index[source] == _sources[source].Count)
            {
                index[source--] = 0;
            }
            if (source < 0)
            {
                yield break;
            }
        }
    }

    private static List<string> Lines(string file, Func<TextReader> stdin)
    {
        if (file == "-")
        {
            return ReadLines(stdin());
        }
        try
        {
            using var reader = new StreamReader(file);
            return ReadLines(reader);
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

    private static List<string> ReadLines(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is string line)
        {
            lines.Add(line);
        }
        return lines;
    }
}

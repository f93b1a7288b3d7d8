using System.Globalization;
using System.Text;

namespace Subprocess.Cli.Inputs;

/// <summary>How inputs are read: <c>-a</c> files, the item delimiter (<c>-d</c>, <c>-0</c>), <c>--link</c>, <c>--trim</c>.</summary>
/// <param name="ArgFiles">Files named by <c>-a</c>, each a source before those after the template.</param>
/// <param name="Delimiter">What ends an item (a newline unless told).</param>
/// <param name="Link">Link every source item by item instead of crossing them.</param>
/// <param name="Trim">Which ends of each input lose their blanks: n (neither, the default), l, r, lr or rl.</param>
internal sealed record InputOptions(IReadOnlyList<string> ArgFiles, string Delimiter, bool Link, string Trim)
{
    public static InputOptions Default { get; } = new([], "\n", false, "n");

    /// <summary>Splits each input into columns, <c>{1}</c>, <c>{2}</c>... (<c>--colsep</c>); null: inputs stay whole.</summary>
    public System.Text.RegularExpressions.Regex? Columns { get; init; }

    /// <summary>What puts arguments after it as a source (<c>:::</c>; <c>--arg-sep</c>), and, followed by
    /// <c>+</c>, links them to the source before.</summary>
    public string ArgumentSeparator { get; init; } = ":::";

    /// <summary>What puts files after it as sources (<c>::::</c>; <c>--arg-file-sep</c>), and with <c>+</c>, linked.</summary>
    public string FileSeparator { get; init; } = "::::";

    /// <summary>Whether <paramref name="word"/> begins a source: either separator, alone or with <c>+</c>.</summary>
    public bool IsSeparator(string word) =>
        word == ArgumentSeparator || word == FileSeparator || word == ArgumentSeparator + "+" || word == FileSeparator + "+";

    /// <summary>Whether the separator <paramref name="word"/> (see <see cref="IsSeparator"/>) is followed by files.</summary>
    public bool IsFileSeparator(string word) => word == FileSeparator || word == FileSeparator + "+";

    /// <summary>The first item of each source names it (or, with <see cref="Columns"/>, its columns), for
    /// <c>{name}</c> in the template, and is not an input (<c>--header</c>).</summary>
    public bool Header { get; init; }

    /// <summary>Reads the options as GNU parallel does: <c>-0</c> is <c>-d '\0'</c>, and the delimiter may
    /// be written with C escapes (<c>\n</c>, <c>\t</c>, <c>\0</c>, <c>\\</c>, <c>\x41</c>, <c>\101</c>).</summary>
    /// <exception cref="UsageException">An empty delimiter, or a --trim other than n, l, r, lr, rl.</exception>
    public static InputOptions Of(IReadOnlyList<string> argFiles, string? delimiter, bool nul, bool link, string? trim)
    {
        string separator = nul ? "\0" : delimiter is null ? "\n" : Unescape(delimiter);
        if (separator.Length == 0)
        {
            throw new UsageException("-d needs a delimiter (for NUL, use -0)");
        }
        string ends = trim ?? "n";
        return ends is "n" or "l" or "r" or "lr" or "rl"
            ? new InputOptions(argFiles, separator, link, ends)
            : throw new UsageException($"--trim {ends} is not one of n, l, r, lr, rl");
    }

    /// <summary><paramref name="input"/> with the blanks (spaces and tabs) <see cref="Trim"/> asks for removed.</summary>
    public string Trimmed(string input) => Trim switch
    {
        "n" => input, // first: asked of every input, and almost always the answer
        "l" => input.TrimStart(' ', '\t'),
        "r" => input.TrimEnd(' ', '\t'),
        "lr" or "rl" => input.Trim(' ', '\t'),
        _ => input,
    };

    /// <summary><paramref name="text"/> with its C escapes read (<c>\n</c>, <c>\t</c>, <c>\0</c>, <c>\\</c>, <c>\x41</c>, <c>\101</c>).</summary>
    public static string Unescape(string text)
    {
        var result = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }
            char c = text[++i];
            switch (c)
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'v': result.Append('\v'); break;
                case '\\': result.Append('\\'); break;
                case 'x' when HexDigits(text, i + 1) is (int value, int length and > 0):
                    result.Append((char)value);
                    i += length;
                    break;
                case >= '0' and <= '7':
                    int end = i;
                    while (end < text.Length && end < i + 3 && text[end] is >= '0' and <= '7')
                    {
                        end++;
                    }
                    result.Append((char)Convert.ToInt32(text[i..end], 8));
                    i = end - 1;
                    break;
                default:
                    result.Append('\\').Append(c);
                    break;
            }
        }
        return result.ToString();
    }

    private static (int Value, int Length) HexDigits(string text, int start)
    {
        int length = 0;
        while (start + length < text.Length && length < 2 && char.IsAsciiHexDigit(text[start + length]))
        {
            length++;
        }
        return length == 0 ? (0, 0) : (int.Parse(text.AsSpan(start, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture), length);
    }
}

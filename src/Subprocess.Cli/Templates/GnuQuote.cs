using System.Buffers;

namespace Subprocess.Cli.Templates;

/// <summary>
/// A word quoted for display as GNU parallel quotes it (<c>--dry-run</c>, <c>-t</c>, the job log's
/// Command column), so that those lines match its byte for byte: any character but letters, digits
/// and <c>-_.+/</c> puts the word in single quotes, a quote inside is written <c>'"'"'</c>, and the
/// empty quotes this leaves at an end are dropped. (What subproc runs is never this text: its jobs
/// get their arguments as they are, or, under <c>--shell</c>, quoted for the place they stand.)
/// </summary>
internal static class GnuQuote
{
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+/");

    /// <summary><paramref name="word"/> as GNU parallel's shell_quote_scalar writes it.</summary>
    public static string Word(string word)
    {
        if (word.Length == 0)
        {
            return "''";
        }
        if (!word.AsSpan().ContainsAnyExcept(Plain))
        {
            return word;
        }
        string quoted = "'" + word.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
        quoted = quoted.StartsWith("''", StringComparison.Ordinal) ? quoted[2..] : quoted;
        return quoted.EndsWith("''", StringComparison.Ordinal) && quoted.Length >= 2 ? quoted[..^2] : quoted;
    }
}

using System.Buffers;
using System.Text;

namespace Subprocess.Launching;

/// <summary>Renders program and arguments as one line a POSIX shell would split back the same way,
/// for messages and results only: nothing is ever run through it.</summary>
internal static class CommandLine
{
    public static string Format(string program, IEnumerable<string> arguments)
    {
        var line = new StringBuilder(Quote(program));
        foreach (string argument in arguments)
        {
            line.Append(' ').Append(Quote(argument));
        }
        return line.ToString();
    }

    /// <summary>A command line set off in a message: in single quotes, or, when it holds one itself
    /// (<c>sh -c 'sleep 100'</c>), in double quotes, so that the quotes are never doubled up.</summary>
    public static string InMessage(string line) =>
        line.Contains('\'', StringComparison.Ordinal) && !line.Contains('"', StringComparison.Ordinal) ? $"\"{line}\"" : $"'{line}'";

    /// <summary>One word as a POSIX shell reads it back: as it is when it holds only safe characters,
    /// else in single quotes (a quote inside written <c>'\''</c>).</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && !word.AsSpan().ContainsAnyExcept(Safe))
        {
            return word;
        }
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The characters a word may hold and still need no quotes.</summary>
    private static readonly SearchValues<char> Safe =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%");
}

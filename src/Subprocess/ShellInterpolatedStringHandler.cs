using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Subprocess.ShellScripts;

namespace Subprocess;

/// <summary>
/// Builds the script of <see cref="Command.Shell(ref ShellInterpolatedStringHandler)"/> from an
/// interpolated string: the literal text is the script, and each value in braces is quoted for the
/// place it stands in, as <c>/bin/sh</c> reads it (bare, in single or double quotes, inside <c>$(...)</c>
/// or <c>${...}</c>, in a comment), so that it reaches the command as one literal value and never runs.
/// A sequence of strings in a bare place becomes one word each. Not used directly: the compiler builds
/// it when <c>Command.Shell</c> is given <c>$"..."</c>.
/// </summary>
/// <example>
/// <code>
/// string pattern = "x; rm -rf ~";
/// Command.Shell($"grep -c {pattern} {file} | sort");   // runs: grep -c 'x; rm -rf ~' notes.txt | sort
/// </code>
/// </example>
[InterpolatedStringHandler]
public ref struct ShellInterpolatedStringHandler
{
    private readonly StringBuilder _text;
    private readonly List<(int Position, object? Value)> _values;

    /// <summary>Called by the compiler with the sizes of the interpolated string.</summary>
    public ShellInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        _text = new StringBuilder(literalLength);
        _values = new List<(int, object?)>(formattedCount);
    }

    /// <summary>Appends script text, as written.</summary>
    public readonly void AppendLiteral(string value) => _text.Append(value);

    /// <summary>Appends a value to be quoted: its text in the invariant culture, or each element of a
    /// sequence of strings.</summary>
    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    /// <summary>Appends a value formatted with <paramref name="format"/> (invariant culture), to be quoted.</summary>
    public readonly void AppendFormatted<T>(T value, string? format) =>
        _values.Add((_text.Length, value switch
        {
            null => "",
            string text => text,
            IEnumerable<string> words => words.ToArray(),
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        }));

    /// <summary>Whether the value at <paramref name="position"/> is a word of its own: a sequence there is
    /// one word each (none if empty); within a word (<c>FLAGS={list}</c>, <c>-I{dirs}</c>) it is one value.</summary>
    private static bool StandsAlone(string text, int position) =>
        (position == 0 || ShellScanner.IsBlank(text[position - 1]) || text[position - 1] is ';' or '&' or '|' or '(')
        && (position == text.Length || ShellScanner.IsBlank(text[position]) || text[position] is ';' or '&' or '|' or ')');

    /// <summary>The script with every value quoted for its place.</summary>
    /// <exception cref="ArgumentException">A value stands where no quoting is sure (inside backquotes, right
    /// after a backslash or a <c>$</c>, in a here-document), or the script leaves a quote open.</exception>
    internal readonly string ToScript()
    {
        if (_text is null)
        {
            throw new ArgumentException("The script is a default handler, not an interpolated string.");
        }
        string text = _text.ToString();
        var positions = new HashSet<int>(_values.Select(value => value.Position));
        var scanner = new ShellScanner(text, positions.Contains);
        var script = new StringBuilder(text.Length + 16 * _values.Count);
        int next = 0, copied = 0;
        while (true)
        {
            for (; next < _values.Count && _values[next].Position == scanner.Position; next++)
            {
                (int position, object? value) = _values[next];
                ShellContext place = scanner.Place($"the value {{{next}}}");
                bool setOff = ShellQuoting.SetOff(text, position, position);
                bool beside = (next > 0 && _values[next - 1].Position == position)
                    || (next + 1 < _values.Count && _values[next + 1].Position == position);
                script.Append(text, copied, position - copied);
                copied = position;
                script.Append(value is string[] words
                    ? place == ShellContext.Unquoted && StandsAlone(text, position) && !beside
                        ? string.Join(' ', words.Select(ShellQuoting.Word))
                        : ShellQuoting.Quote(string.Join(' ', words), place, setOff)
                    : ShellQuoting.Quote((string)value!, place, setOff));
                scanner.AfterValue();
            }
            if (scanner.AtEnd)
            {
                break;
            }
            scanner.Step();
            if (next < _values.Count && _values[next].Position < scanner.Position)
            {
                // Inside a two-character token (<<, say), which the value would split.
                throw new ArgumentException($"the value {{{next}}} splits a shell operator and cannot be quoted for the shell: {text}");
            }
        }
        _ = scanner.EndPlace();
        return script.Append(text, copied, text.Length - copied).ToString();
    }
}

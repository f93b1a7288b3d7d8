using System.Text;
using System.Text.RegularExpressions;

namespace Subprocess.ShellScripts;

/// <summary>
/// Values written into a <c>/bin/sh</c> script so that the shell reads each back as itself, wherever it
/// stands: the one quoting routine of the library (<see cref="Command.Shell(ref ShellInterpolatedStringHandler)"/>,
/// <see cref="Command.ShellQuote"/>) and of <c>subproc parallel --shell</c>.
/// </summary>
internal static partial class ShellQuoting
{
    // \z, not $: .NET's $ also matches before a final newline, which would leave "x\n" bare.
    [GeneratedRegex(@"\A[A-Za-z0-9@%+=:,./_-]+\z")]
    private static partial Regex PlainWord();

    [GeneratedRegex(@"\$[A-Za-z0-9_]+\z")]
    private static partial Regex NameBefore();

    /// <summary>One word for the shell, as Python's <c>shlex.quote</c> writes it: as it is if it holds
    /// only characters no shell treats specially, else in single quotes (a quote in it as <c>'"'"'</c>).</summary>
    public static string Word(string value) =>
        value.Length == 0 ? "''"
        : PlainWord().IsMatch(value) ? value
        : "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";

    /// <summary>Whether a value that stands in <paramref name="script"/> from <paramref name="start"/> to
    /// <paramref name="end"/> must be set off in quotes whatever it holds, because a bare word would join
    /// what is around it: after <c>$NAME</c> (it would lengthen the name), before <c>&lt;</c> or <c>&gt;</c>
    /// (a bare 2 would make <c>2&gt;out</c> a redirection).</summary>
    public static bool SetOff(string script, int start, int end) =>
        NameBefore().IsMatch(script.AsSpan(0, start)) || (end < script.Length && script[end] is '<' or '>');

    /// <summary>
    /// <paramref name="value"/> written so that the shell reads it back as itself in <paramref name="place"/>:
    /// closing and reopening single quotes; a backslash before <c>$ ` " \</c> in double quotes (and <c>}</c>
    /// within <c>${...}</c>); no newline in a comment; unquoted, <paramref name="bareWord"/>'s form
    /// (<see cref="Word"/> unless the caller has its own). Where it must be set off (<paramref name="setOff"/>:
    /// <see cref="SetOff"/>), it is in quotes whatever it holds.
    /// </summary>
    public static string Quote(string value, ShellContext place, bool setOff = false, Func<string, string>? bareWord = null)
    {
        if (setOff && place == ShellContext.Unquoted)
        {
            return "'" + Quote(value, ShellContext.SingleQuoted) + "'";
        }
        string quoted = place switch
        {
            ShellContext.SingleQuoted => value.Replace("'", "'\\''", StringComparison.Ordinal),
            ShellContext.DoubleQuoted => Escape(value, "$`\"\\"),
            ShellContext.DoubleQuotedParameter => Escape(value, "$`\"\\}"),
            ShellContext.Comment => value.ReplaceLineEndings(" "),
            _ => (bareWord ?? Word)(value),
        };
        return setOff && place is ShellContext.DoubleQuoted or ShellContext.DoubleQuotedParameter ? "\"\"" + quoted : quoted;
    }

    /// <summary>A backslash before each of <paramref name="special"/>: inside double quotes, the characters it makes literal.</summary>
    private static string Escape(string value, string special)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            escaped.Append(special.Contains(c, StringComparison.Ordinal) ? "\\" : "").Append(c);
        }
        return escaped.ToString();
    }
}

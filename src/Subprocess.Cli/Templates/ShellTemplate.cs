using System.Text;
using System.Text.RegularExpressions;

namespace Subprocess.Cli.Templates;

/// <summary>
/// A <c>--shell</c> template, read once with <c>/bin/sh</c>'s quoting rules so that each replacement
/// string is filled in quoted for the place it stands in: unquoted (<c>'...'</c> when needed), inside
/// single quotes (a quote closed and reopened), inside double quotes (<c>\</c> before <c>$ ` " \</c>,
/// and <c>}</c> within <c>${...}</c>),
/// in a comment (no newline, which would end it). Whatever the input, it reaches the command as one
/// literal value and is never run. A template that quotes <c>{}</c> itself (<c>echo "{}"</c>) therefore
/// works as its author meant; where no quoting can be sure (inside backquotes, after a backslash, in a
/// here-document), the template is refused, with the way to write it.
/// </summary>
internal sealed class ShellTemplate
{
    private readonly string _script;
    private readonly (Match Hole, ShellContext Context)[] _holes;
    private readonly ShellContext _end;

    private ShellTemplate(string script, (Match, ShellContext)[] holes, ShellContext end)
    {
        (_script, _holes, _end) = (script, holes, end);
    }

    /// <summary>Whether the template names its inputs; if not, they are appended to it.</summary>
    public bool HasReplacements => _holes.Length > 0;

    /// <exception cref="UsageException">A replacement string stands where it cannot be quoted safely, or a quote is left open.</exception>
    public static ShellTemplate Parse(string script)
    {
        var starts = Replacements.Find(script).ToDictionary(match => match.Index);
        var holes = new List<(Match, ShellContext)>();
        var scanner = new Scanner(script, starts.ContainsKey);
        while (!scanner.AtEnd)
        {
            if (starts.TryGetValue(scanner.Position, out Match? hole))
            {
                holes.Add((hole, scanner.Place(hole.Value)));
                scanner.Skip(hole.Length);
                continue;
            }
            scanner.Step();
        }
        return new ShellTemplate(script, [.. holes], scanner.EndPlace());
    }

    /// <summary>The script for one job: each replacement string filled in, quoted for where it stands;
    /// with none in the template, the inputs appended, each quoted.</summary>
    public string Fill(IReadOnlyList<string> inputs, Subprocess.JobContext context)
    {
        if (_holes.Length == 0)
        {
            return _script + " " + string.Join(' ', inputs.Select(input => Quote(input, _end)));
        }
        var script = new StringBuilder(_script.Length + 32);
        int copied = 0;
        foreach ((Match hole, ShellContext place) in _holes)
        {
            script.Append(_script, copied, hole.Index - copied);
            script.Append(Quote(Replacements.ValueOf(hole, inputs, context), place));
            copied = hole.Index + hole.Length;
        }
        return script.Append(_script, copied, _script.Length - copied).ToString();
    }

    /// <summary><paramref name="value"/> written so that the shell reads it back, in <paramref name="place"/>, as itself.</summary>
    public static string Quote(string value, ShellContext place) => place switch
    {
        ShellContext.SingleQuoted => value.Replace("'", "'\\''", StringComparison.Ordinal),
        ShellContext.DoubleQuoted => Escape(value, "$`\"\\"),
        ShellContext.DoubleQuotedParameter => Escape(value, "$`\"\\}"),
        ShellContext.Comment => value.ReplaceLineEndings(" "),
        // A word with = is quoted even where a command line would not need it: at the head of a
        // command, NAME=value would be an assignment, not the word.
        _ => value.Contains('=', StringComparison.Ordinal)
            ? "'" + Quote(value, ShellContext.SingleQuoted) + "'"
            : Launching.CommandLine.Quote(value),
    };

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

    /// <summary>Walks a script as <c>sh</c> reads its quoting: nested <c>$(...)</c>, <c>${...}</c>,
    /// quotes, backquotes, comments and here-documents.</summary>
    private sealed class Scanner(string script, Func<int, bool> holeAt)
    {
        private enum Level { Unquoted, Single, Double, Command, Brace, Backquote, Comment }

        // The innermost level last; a Command level counts the parentheses open inside it.
        private readonly List<(Level Level, int Parens)> _levels = [(Level.Unquoted, 0)];
        private bool _hereDocument, _inHereDocument;

        public int Position { get; private set; }

        public bool AtEnd => Position >= script.Length;

        public void Skip(int length) => Position += length;

        /// <summary>How text at the current position is read, for <paramref name="hole"/>.</summary>
        public ShellContext Place(string hole)
        {
            if (_inHereDocument)
            {
                throw new UsageException(
                    $"{hole} in a here-document cannot be quoted for the shell; feed it on stdin instead (printf '%s\\n' {hole} | ...)");
            }
            return Current switch
            {
                Level.Single => ShellContext.SingleQuoted,
                Level.Double => ShellContext.DoubleQuoted,
                // Inside ${...} the quoting is the enclosing one's.
                Level.Brace => Enclosing(Level.Brace) == Level.Double ? ShellContext.DoubleQuotedParameter : ShellContext.Unquoted,
                Level.Comment => ShellContext.Comment,
                Level.Backquote => throw new UsageException(
                    $"{hole} inside `...` cannot be quoted for the shell; write $(...) instead"),
                _ => ShellContext.Unquoted,
            };
        }

        /// <summary>How text appended at the end would be read; a quote left open is refused.</summary>
        public ShellContext EndPlace()
        {
            return _levels.Count switch
            {
                1 => ShellContext.Unquoted,
                2 when Current == Level.Comment => ShellContext.Comment,
                _ => throw new UsageException($"the --shell template leaves a quote, $( or ${{ open: {script}"),
            };
        }

        /// <summary>Reads one character (two for an escape, or for <c>$(</c> and <c>${</c>).</summary>
        public void Step()
        {
            char c = script[Position];
            char next = Position + 1 < script.Length ? script[Position + 1] : '\0';
            Level level = Current;
            if (c == '\n')
            {
                _inHereDocument |= _hereDocument;
            }
            switch (level)
            {
                case Level.Single:
                    if (c == '\'')
                    {
                        Pop();
                    }
                    break;
                case Level.Comment:
                    if (c == '\n')
                    {
                        Pop();
                    }
                    break;
                case Level.Double or Level.Backquote:
                    if (c == '\\')
                    {
                        Escape();
                    }
                    else if (c == (level == Level.Double ? '"' : '`'))
                    {
                        Pop();
                    }
                    else if (c == '`' || c == '$' && next is '(' or '{')
                    {
                        Open(c, next);
                    }
                    break;
                default:
                    Unquoted(c, next);
                    break;
            }
            Position++;
        }

        private void Unquoted(char c, char next)
        {
            switch (c)
            {
                case '\\':
                    Escape();
                    break;
                case '\'':
                    Push(Level.Single);
                    break;
                case '"':
                    Push(Level.Double);
                    break;
                case '`':
                    Push(Level.Backquote);
                    break;
                case '$' when next is '(' or '{':
                    Open(c, next);
                    break;
                case '(' when Current == Level.Command:
                    _levels[^1] = (Level.Command, _levels[^1].Parens + 1);
                    break;
                case ')' when Current == Level.Command:
                    if (_levels[^1].Parens == 0)
                    {
                        Pop();
                    }
                    else
                    {
                        _levels[^1] = (Level.Command, _levels[^1].Parens - 1);
                    }
                    break;
                case '}' when Current == Level.Brace:
                    Pop();
                    break;
                case '#' when StartsWord():
                    Push(Level.Comment);
                    break;
                case '<' when next == '<':
                    _hereDocument = true;
                    Position++;
                    break;
            }
        }

        /// <summary>A <c>$(</c>, <c>${</c> or backquote: a level of its own (<c>$((</c> is read as <c>$(</c> with one more parenthesis).</summary>
        private void Open(char c, char next)
        {
            if (c == '`')
            {
                Push(Level.Backquote);
                return;
            }
            if (holeAt(Position + 1))
            {
                throw new UsageException($"a replacement string right after $ cannot be quoted for the shell: {script}");
            }
            Push(next == '(' ? Level.Command : Level.Brace);
            Position++;
        }

        private void Escape()
        {
            if (holeAt(Position + 1))
            {
                throw new UsageException($"a replacement string right after a backslash cannot be quoted for the shell: {script}");
            }
            Position++;
        }

        private bool StartsWord() => Position == 0 || char.IsWhiteSpace(script[Position - 1]) || ";&|()".Contains(script[Position - 1], StringComparison.Ordinal);

        private Level Current => _levels[^1].Level;

        private Level Enclosing(Level of)
        {
            for (int i = _levels.Count - 1; i >= 0; i--)
            {
                if (_levels[i].Level != of)
                {
                    return _levels[i].Level;
                }
            }
            return Level.Unquoted;
        }

        private void Push(Level level) => _levels.Add((level, 0));

        private void Pop()
        {
            if (_levels.Count > 1)
            {
                _levels.RemoveAt(_levels.Count - 1);
            }
        }
    }
}

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
internal sealed partial class ShellTemplate
{
    [GeneratedRegex(@"\$[A-Za-z0-9_]+$")]
    private static partial Regex NameBefore();

    private readonly string _script;
    private readonly (Match Hole, ShellContext Context, bool AfterName)[] _holes;
    private readonly ShellContext _end;
    private readonly Replacements _replacements;

    private ShellTemplate(string script, (Match, ShellContext, bool)[] holes, ShellContext end, Replacements replacements)
    {
        (_script, _holes, _end, _replacements) = (script, holes, end, replacements);
    }

    /// <summary>Whether the template names its inputs; if not, they are appended to it.</summary>
    public bool HasReplacements => _holes.Length > 0;

    /// <exception cref="UsageException">A replacement string stands where it cannot be quoted safely, or a quote is left open.</exception>
    public static ShellTemplate Parse(string script, Replacements replacements)
    {
        var starts = replacements.Find(script).ToDictionary(match => match.Index);
        var holes = new List<(Match, ShellContext, bool)>();
        var scanner = new Scanner(script, starts.ContainsKey);
        while (!scanner.AtEnd)
        {
            if (starts.TryGetValue(scanner.Position, out Match? hole))
            {
                // After $NAME, a bare value would lengthen the name ($PREFIX{} with _x is $PREFIX_x).
                bool afterName = NameBefore().IsMatch(script.AsSpan(0, hole.Index));
                holes.Add((hole, scanner.Place(hole.Value), afterName));
                scanner.Skip(hole.Length);
                continue;
            }
            scanner.Step();
        }
        return new ShellTemplate(script, [.. holes], scanner.EndPlace(), replacements);
    }

    /// <summary>The script for one job: each replacement string filled in, quoted for where it stands;
    /// with none in the template, the inputs appended, each quoted. For a job of several
    /// <paramref name="arguments"/>, a bare <c>{}</c> (or a form of it) is each one's value quoted apart,
    /// so each is a word of its own, as GNU parallel writes them; inside quotes, they are joined by spaces.</summary>
    /// <param name="inputs">The job's values.</param>
    /// <param name="context">Its number and slot.</param>
    /// <param name="arguments">A job of several arguments: each one's values, or null.</param>
    public string Fill(IReadOnlyList<string> inputs, Subprocess.JobContext context, IReadOnlyList<IReadOnlyList<string>>? arguments = null)
    {
        if (_holes.Length == 0)
        {
            return _script + " " + string.Join(' ', inputs.Select(input => Quote(input, _end)));
        }
        var script = new StringBuilder(_script.Length + 32);
        int copied = 0;
        foreach ((Match hole, ShellContext place, bool afterName) in _holes)
        {
            script.Append(_script, copied, hole.Index - copied);
            if (arguments is not null && place == ShellContext.Unquoted && !afterName && Replacements.StandsForEach(hole))
            {
                script.AppendJoin(' ', arguments.Select(argument => Quote(_replacements.ValueOf(hole, argument, context), place)));
                copied = hole.Index + hole.Length;
                continue;
            }
            string value = _replacements.ValueOf(hole, inputs, context, @short: arguments is not null);
            script.Append(!afterName || place is ShellContext.SingleQuoted or ShellContext.Comment ? Quote(value, place)
                : place == ShellContext.Unquoted ? "'" + Quote(value, ShellContext.SingleQuoted) + "'"
                : "\"\"" + Quote(value, place));
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
        // As GNU parallel quotes a bare value, so the script (and the job log's Command) reads as its
        // does; it quotes = too, which at the head of a command would make an assignment of the word.
        _ => GnuQuote.Word(value),
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

    /// <summary>Walks a script as <c>sh</c> reads its quoting: nested <c>$(...)</c> (with the <c>)</c>
    /// of a <c>case</c> pattern), <c>${...}</c>, quotes, backquotes, comments and here-documents.</summary>
    private sealed class Scanner(string script, Func<int, bool> holeAt)
    {
        private enum Level { Unquoted, Single, Double, Command, Brace, Backquote, Comment }

        // The innermost level last; a Command level counts the parentheses and the case commands open inside it.
        private readonly List<(Level Level, int Parens, int Cases)> _levels = [(Level.Unquoted, 0, 0)];
        private bool _hereDocument, _inHereDocument;

        // Whether the next character starts a word (after unquoted blanks and operators): where # opens a
        // comment and case and esac are words.
        private bool _wordStart = true;

        public int Position { get; private set; }

        public bool AtEnd => Position >= script.Length;

        public void Skip(int length)
        {
            Position += length;
            _wordStart = false;
        }

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
                Level.Brace => InDoubleQuotedBrace ? ShellContext.DoubleQuotedParameter : ShellContext.Unquoted,
                Level.Comment => ShellContext.Comment,
                Level.Backquote => throw new UsageException(
                    $"{hole} inside `...` cannot be quoted for the shell; write $(...) instead"),
                _ => ShellContext.Unquoted,
            };
        }

        /// <summary>How text appended at the end would be read; a quote left open, or a here-document
        /// (whose end the appended text would hide), is refused.</summary>
        public ShellContext EndPlace()
        {
            if (_hereDocument)
            {
                throw new UsageException($"inputs appended after a here-document cannot be quoted for the shell; put {{}} where they go: {script}");
            }
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
            bool wordStart = _wordStart;
            _wordStart = false;
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
                        _wordStart = true;
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
                    Unquoted(c, next, wordStart);
                    break;
            }
            Position++;
        }

        private void Unquoted(char c, char next, bool wordStart)
        {
            switch (c)
            {
                case '\\':
                    Escape();
                    break;
                case '\'' when !InDoubleQuotedBrace:
                    Push(Level.Single);
                    break;
                case '"':
                    Push(Level.Double);
                    break;
                case '`':
                    Push(Level.Backquote);
                    break;
                case '$' when next == '\'':
                    throw new UsageException($"$'...' is read one way by dash and another by bash; write '...' instead: {script}");
                case '$' when next is '(' or '{':
                    Open(c, next);
                    break;
                case '(' when Current == Level.Command:
                    _levels[^1] = _levels[^1] with { Parens = _levels[^1].Parens + 1 };
                    _wordStart = true;
                    break;
                case ')' when Current == Level.Command:
                    // A case pattern's ) closes nothing; the ) of $( closes it once its cases are done.
                    (Level _, int parens, int cases) = _levels[^1];
                    if (parens > 0)
                    {
                        _levels[^1] = _levels[^1] with { Parens = parens - 1 };
                    }
                    else if (cases == 0)
                    {
                        Pop();
                    }
                    _wordStart = true;
                    break;
                case '}' when Current == Level.Brace:
                    Pop();
                    break;
                case '#' when wordStart && Current != Level.Brace:
                    Push(Level.Comment);
                    break;
                case '<' when next == '<':
                    _hereDocument = true;
                    Position++;
                    break;
                case 'c' when wordStart && Current == Level.Command && IsWord("case"):
                    _levels[^1] = _levels[^1] with { Cases = _levels[^1].Cases + 1 };
                    break;
                case 'e' when wordStart && Current == Level.Command && IsWord("esac") && _levels[^1].Cases > 0:
                    _levels[^1] = _levels[^1] with { Cases = _levels[^1].Cases - 1 };
                    break;
                default:
                    _wordStart = char.IsWhiteSpace(c) || c is ';' or '&' or '|' or '(' or ')';
                    break;
            }
        }

        /// <summary>Whether <paramref name="word"/> stands at the current position as a whole word.</summary>
        private bool IsWord(string word) =>
            script.AsSpan(Position).StartsWith(word, StringComparison.Ordinal)
            && (Position + word.Length == script.Length || char.IsWhiteSpace(script[Position + word.Length]) || script[Position + word.Length] is ';' or ')');

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
            _wordStart = next == '(';
        }

        private void Escape()
        {
            if (Position + 1 < script.Length && script[Position + 1] == '\n')
            {
                // The shell joins the lines before it reads the quoting, which this scanner does not.
                throw new UsageException($"a line ended by \\ in a --shell template: join the lines, or end them with ; instead: {script}");
            }
            if (holeAt(Position + 1))
            {
                throw new UsageException($"a replacement string right after a backslash cannot be quoted for the shell: {script}");
            }
            Position++;
        }

        private Level Current => _levels[^1].Level;

        /// <summary>Inside a <c>${...}</c> that double quotes enclose, where a quote is an ordinary character.</summary>
        private bool InDoubleQuotedBrace => Current == Level.Brace && Enclosing(Level.Brace) == Level.Double;

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

        private void Push(Level level) => _levels.Add((level, 0, 0));

        private void Pop()
        {
            if (_levels.Count > 1)
            {
                _levels.RemoveAt(_levels.Count - 1);
            }
        }
    }
}

namespace Subprocess.ShellScripts;

/// <summary>Walks a script as <c>sh</c> reads its quoting: nested <c>$(...)</c> (with the <c>)</c>
/// of a <c>case</c> pattern), <c>${...}</c>, quotes, backquotes, comments and here-documents.</summary>
internal sealed class ShellScanner(string script, Func<int, bool> holeAt)
{
    private enum Level { Unquoted, Single, Double, Command, Brace, Backquote, Comment }

    // The innermost level last; a Command level counts the parentheses and the case commands open inside it.
    // Each level keeps where it opened (the $ of $( and ${, a subshell's own (), which says what it is: a
    // Command level is a $( or, inside one, a ( subshell (each a level, so that a case's pattern ) inside a
    // subshell closes nothing); one opened by $(( is arithmetic.
    private readonly List<(Level Level, int Cases, int Start)> _levels = [(Level.Unquoted, 0, 0)];
    private bool _hereDocument, _inHereDocument;

    // Whether the next character starts a word (after unquoted blanks and operators): where # opens a
    // comment and case and esac are words.
    private bool _wordStart = true;

    public int Position { get; private set; }

    public bool AtEnd => Position >= script.Length;

    /// <summary>Past a value the caller put at the current position (none of the script's text): the word goes on.</summary>
    public void AfterValue() => Skip(0);

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
            throw new ArgumentException(
                $"{hole} in a here-document cannot be quoted for the shell; feed it on stdin instead (printf '%s\\n' {hole} | ...)");
        }
        if (_levels.Any(level => level.Level == Level.Backquote))
        {
            // Inside `...` the shell reads quotes and backslashes twice: no quoting of ours holds there.
            throw new ArgumentException($"{hole} inside `...` cannot be quoted for the shell; write $(...) instead");
        }
        if (_levels.Any(level => level.Level == Level.Brace && InName(level.Start)))
        {
            throw new ArgumentException($"{hole} in a variable's name (${{NAME{hole}}}) could choose its operator; write the name yourself: {script}");
        }
        if (_levels.Any(IsArithmetic))
        {
            throw new ArgumentException($"{hole} inside $((...)) is arithmetic, which evaluates names and assignments in it whatever its quotes; compute it outside: {script}");
        }
        if (_levels.Any(level => level.Level == Level.Brace && IsPattern(level.Start)))
        {
            throw new ArgumentException($"{hole} in ${{name#pattern}} or ${{name%pattern}} is read as a pattern, and quotes there are read differently inside double quotes; compute it outside: {script}");
        }
        return Current switch
        {
            Level.Single => ShellContext.SingleQuoted,
            Level.Double => ShellContext.DoubleQuoted,
            // Inside ${...} the quoting is the enclosing one's.
            Level.Brace => InDoubleQuotedBrace ? ShellContext.DoubleQuotedParameter : ShellContext.Unquoted,
            Level.Comment => ShellContext.Comment,
            _ => ShellContext.Unquoted,
        };
    }

    /// <summary>How text appended at the end would be read; a quote left open, or a here-document
    /// (whose end the appended text would hide), is refused.</summary>
    public ShellContext EndPlace()
    {
        if (_hereDocument)
        {
            throw new ArgumentException($"values appended after a here-document cannot be quoted for the shell; put them where they go: {script}");
        }
        return _levels.Count switch
        {
            1 => ShellContext.Unquoted,
            2 when Current == Level.Comment => ShellContext.Comment,
            _ => throw new ArgumentException($"the script leaves a quote, $( or ${{ open: {script}"),
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
                else if (c == '$' && holeAt(Position + 1))
                {
                    throw AfterDollar();
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
            case '$' when holeAt(Position + 1):
                // $ and a value would be read together: as a variable ($name) or, by bash, $'...'.
                throw AfterDollar();
            case '$' when next == '\'':
                throw new ArgumentException($"$'...' is read one way by dash and another by bash; write '...' instead: {script}");
            case '$' when next is '(' or '{':
                Open(c, next);
                break;
            case '(' when Current == Level.Command:
                Push(Level.Command);
                _wordStart = true;
                break;
            case ')' when Current == Level.Command:
                // A case pattern's ) closes nothing; a ) closes its subshell or $( once its cases are done.
                (_, int cases, int start) = _levels[^1];
                if (cases == 0)
                {
                    Pop();
                    // After the ) of $( itself, the word it stands in goes on ($(hostname)#x is one word).
                    _wordStart = script[start] == '(';
                    break;
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
                _wordStart = IsBlank(c) || c is ';' or '&' or '|' or '(' or ')';
                break;
        }
    }

    /// <summary>Whether <paramref name="word"/> stands at the current position as a whole word.</summary>
    private bool IsWord(string word) =>
        script.AsSpan(Position).StartsWith(word, StringComparison.Ordinal)
        && (Position + word.Length == script.Length || IsBlank(script[Position + word.Length]) || script[Position + word.Length] is ';' or ')');

    /// <summary>The characters sh separates words by: space, tab, newline (not NBSP or CR, which it takes as letters).</summary>
    internal static bool IsBlank(char c) => c is ' ' or '\t' or '\n';

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
            throw AfterDollar();
        }
        if (next == '{' && holeAt(Position + 2))
        {
            throw new ArgumentException($"a value right after ${{ would name the variable or its operator; write the name yourself: {script}");
        }
        Push(next == '(' ? Level.Command : Level.Brace);
        Position++;
        _wordStart = next == '(';
    }

    private ArgumentException AfterDollar() => new($"a value right after $ cannot be quoted for the shell: {script}");

    private void Escape()
    {
        if (Position + 1 < script.Length && script[Position + 1] == '\n')
        {
            // The shell joins the lines before it reads the quoting, which this scanner does not.
            throw new ArgumentException($"a line ended by \\ in a script to fill in: join the lines, or end them with ; instead: {script}");
        }
        if (holeAt(Position + 1))
        {
            throw new ArgumentException($"a value right after a backslash cannot be quoted for the shell: {script}");
        }
        Position++;
    }

    /// <summary>Whether the current position is still in the name of the ${...} opened at <paramref name="start"/>.</summary>
    private bool InName(int start)
    {
        for (int i = start + 2; i < Position; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(script[i]) || script[i] == '_' || (i == start + 2 && script[i] == '#')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the ${...} opened at <paramref name="start"/> (its $) has a pattern operator (# or %) after its name.</summary>
    private bool IsPattern(int start)
    {
        int i = start + 2;
        if (i < script.Length && script[i] == '#')
        {
            i++; // ${#name}: the length, unless a pattern operator follows
        }
        while (i < Position && (char.IsAsciiLetterOrDigit(script[i]) || script[i] is '_' or '@' or '*' or '?' or '$' or '!' or '-'))
        {
            i++;
        }
        return i < Position && script[i] is '#' or '%';
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

    private void Push(Level level) => _levels.Add((level, 0, Position));

    /// <summary>Whether <paramref name="level"/> is a <c>$((</c>: arithmetic, where the shell evaluates names and assignments.</summary>
    private bool IsArithmetic((Level Level, int Cases, int Start) level) =>
        level.Level == Level.Command && script[level.Start] == '$' && level.Start + 2 < script.Length && script[level.Start + 2] == '(';

    private void Pop()
    {
        if (_levels.Count > 1)
        {
            _levels.RemoveAt(_levels.Count - 1);
        }
    }
}

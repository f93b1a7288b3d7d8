using System.Text;

namespace Subprocess.Cli.Templates;

/// <summary>
/// Splits a command template written as one string into words with a POSIX shell's quoting rules
/// (single quotes, double quotes with <c>\</c> escapes, backslashes), recognising the operators
/// subproc builds pipelines from (<c>|</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&gt;&gt;</c>, <c>2&gt;</c>,
/// <c>2&gt;&gt;</c>, <c>2&gt;&amp;1</c>). Anything else a shell would interpret, quoting aside (<c>;</c>,
/// <c>&amp;</c>, <c>$</c>, globs, backquotes, a word-initial <c>~</c> or <c>#</c>, brace expansion), is
/// refused with a pointer to <c>--shell</c>: run without a shell, it would silently mean something else.
/// </summary>
internal static partial class TemplateLexer
{
    private const string NeedsShell = ";&$`()*?[";

    /// <summary>The tokens of <paramref name="template"/>; a replacement string (<c>{##a*}</c>, <c>-I</c>'s
    /// <c>[]</c>) is part of a word as it is, since GNU parallel fills it in before any shell reads the line.</summary>
    /// <exception cref="UsageException">Unbalanced quotes, or shell syntax subproc does not interpret.</exception>
    public static List<Token> Split(string template, Replacements? replacements = null)
    {
        var tokens = new List<Token>();
        var word = new StringBuilder();
        var holes = (replacements ?? Replacements.Gnu).Find(template).ToDictionary(match => match.Index, match => match.Length);
        bool inWord = false;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (holes.TryGetValue(i, out int length))
            {
                word.Append(template, i, length);
                inWord = true;
                i += length;
            }
            else if (char.IsWhiteSpace(c))
            {
                Flush();
                i++;
            }
            else if (c == '\'')
            {
                int end = template.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new UsageException($"unbalanced ' in the command template: {template}");
                }
                word.Append(template, i + 1, end - i - 1);
                inWord = true;
                i = end + 1;
            }
            else if (c == '"')
            {
                i = DoubleQuoted(template, i + 1, word);
                inWord = true;
            }
            else if (c == '\\')
            {
                if (i + 1 < template.Length)
                {
                    word.Append(template[i + 1]);
                }
                inWord = true;
                i += 2;
            }
            else if (c is '|' or '<' or '>' || !inWord && TouchesRedirection(template, i))
            {
                // Digits that start a word and touch < or > name a descriptor, as in a shell:
                // `2>err` is stderr to a file, not the argument 2 and a stdout redirection.
                Token op = OperatorAt(template, i);
                Flush();
                tokens.Add(op);
                i += op.Text.Length;
            }
            else if (!inWord && c is '#' or '~')
            {
                // A shell reads a word-initial # as a comment and ~ as the home directory.
                throw ShellSyntax(c.ToString(), c == '#' ? "a comment" : "the home directory");
            }
            else if (c == '~' && word.Length > 0 && word[^1] == '=' && AssignmentName().IsMatch(word.ToString()))
            {
                throw ShellSyntax("~", "the home directory"); // bash expands NAME=~ too
            }
            else if (c == '{' && BraceExpansion(template, i) is string braces)
            {
                throw ShellSyntax(braces, "brace expansion");
            }
            else if (NeedsShell.Contains(c, StringComparison.Ordinal))
            {
                throw ShellSyntax(c.ToString());
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (inWord)
            {
                tokens.Add(new Token(TokenKind.Word, word.ToString()));
                word.Clear();
                inWord = false;
            }
        }
    }

    /// <summary>What a GNU parallel user reads first: add --shell (GNU parallel always runs one; subproc only when asked).</summary>
    private static UsageException ShellSyntax(string what, string? meaning = null) => new(
        $"'{what}' in the command template is shell syntax{(meaning is null ? "" : $" ({meaning})")}: add --shell to run each job with " +
        "/bin/sh -c, as GNU parallel always does (subproc runs one only when asked; without it, it builds a | b, < in, > out, >> out, " +
        "2> err, 2>> err and 2>&1 itself), or quote it to mean it literally");

    /// <summary>Whether digits at <paramref name="at"/> run up to a &lt; or &gt;.</summary>
    private static bool TouchesRedirection(string text, int at)
    {
        int end = at;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return end > at && end < text.Length && text[end] is '<' or '>';
    }

    /// <summary>
    /// The operator at <paramref name="at"/> (see <see cref="Token.At"/>), refused when there is none
    /// (another descriptor: <c>3&gt;</c>) or when the text goes on into one subproc does not build:
    /// <c>||</c>, <c>&gt;&amp;</c> (so <c>2&gt;&amp;2</c>), <c>2&gt;&amp;12</c>, <c>2&gt;&amp;1-</c> or <c>2&gt;&amp;1x</c> (a shell reads the whole word after <c>&amp;</c>), <c>&lt;&lt;</c>, <c>&lt;(</c>.
    /// </summary>
    private static Token OperatorAt(string text, int at)
    {
        Token? op = Token.At(text, at);
        int end = at + (op?.Text.Length ?? 0);
        bool goesOn = op is not null && end < text.Length
            && text[end - 1] switch
            {
                '|' => text[end] == '|',
                '>' => text[end] == '&',
                '<' => text[end] is '<' or '(',
                '1' => !char.IsWhiteSpace(text[end]) && text[end] is not ('|' or '<' or '>'),
                _ => false,
            };
        if (op is not null && !goesOn)
        {
            return op;
        }
        // Name what was refused: any descriptor digits, the < > or |, and a & after it.
        int what = at;
        while (char.IsAsciiDigit(text[what]))
        {
            what++;
        }
        what++;
        throw ShellSyntax(text[at..(what < text.Length && text[what] == '&' ? what + 1 : what)]);
    }

    /// <summary>
    /// The text of a brace expansion (<c>{a,b}</c>, <c>{1..3}</c>) starting at <paramref name="at"/>,
    /// or null for braces a shell leaves alone, which include every replacement string (<c>{}</c>,
    /// <c>{.}</c>, <c>{1/}</c>, <c>{#}</c>...): bash expands only an unquoted comma or a sequence.
    /// </summary>
    private static string? BraceExpansion(string text, int at)
    {
        int depth = 0;
        bool comma = false;
        for (int i = at; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '\'':
                    i = text.IndexOf('\'', i + 1) is int end && end >= 0 ? end : text.Length;
                    break;
                case '"':
                    for (i++; i < text.Length && text[i] != '"'; i += text[i] == '\\' ? 2 : 1)
                    {
                    }
                    break;
                case '{':
                    depth++;
                    break;
                case ',':
                    comma |= depth == 1;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        string braces = text[at..(i + 1)];
                        return comma || Sequence().IsMatch(braces) ? braces : null;
                    }
                    break;
                case char c when char.IsWhiteSpace(c) || c is '|' or '<' or '>':
                    return null; // the word ended before the braces closed
            }
        }
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\{(-?\d+\.\.-?\d+|[A-Za-z]\.\.[A-Za-z])(\.\.-?\d+)?\}$")]
    private static partial System.Text.RegularExpressions.Regex Sequence();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*=$")]
    private static partial System.Text.RegularExpressions.Regex AssignmentName();

    /// <summary>Words already split by the caller's shell: only exact operator words are operators.</summary>
    public static List<Token> FromWords(IEnumerable<string> words) =>
        [.. words.Select(w => Token.Operator(w) ?? new Token(TokenKind.Word, w))];

    /// <summary>Reads a double-quoted string from <paramref name="i"/> (just past the opening quote) into
    /// <paramref name="word"/>, with the shell's backslash escapes; returns the index past the closing quote.</summary>
    private static int DoubleQuoted(string text, int i, StringBuilder word)
    {
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length && "\"\\$`".Contains(text[i + 1], StringComparison.Ordinal))
            {
                word.Append(text[i + 1]);
                i += 2;
            }
            else if (text[i] is '$' or '`')
            {
                throw new UsageException($"'{text[i]}' inside double quotes is shell expansion subproc does not do; use '...' or --shell");
            }
            else
            {
                word.Append(text[i++]);
            }
        }
        return i < text.Length ? i + 1 : throw new UsageException($"unbalanced \" in the command template: {text}");
    }
}

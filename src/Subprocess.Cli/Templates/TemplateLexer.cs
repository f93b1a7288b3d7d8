using System.Text;

namespace Subprocess.Cli.Templates;

/// <summary>
/// Splits a command template written as one string into words with a POSIX shell's quoting rules
/// (single quotes, double quotes with <c>\</c> escapes, backslashes), recognising the operators
/// subproc builds pipelines from (<c>|</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&gt;&gt;</c>, <c>2&gt;&amp;1</c>).
/// Anything else a shell would interpret is refused with a pointer to <c>--shell</c>.
/// </summary>
internal static class TemplateLexer
{
    private const string NeedsShell = ";&$`()*?[";

    /// <exception cref="UsageException">Unbalanced quotes, or shell syntax subproc does not interpret.</exception>
    public static List<Token> Split(string template)
    {
        var tokens = new List<Token>();
        var word = new StringBuilder();
        bool inWord = false;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (char.IsWhiteSpace(c))
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
            else if (!inWord && string.CompareOrdinal(template, i, "2>&1", 0, 4) == 0)
            {
                tokens.Add(new Token(TokenKind.StderrToStdout, "2>&1"));
                i += 4;
            }
            else if (c is '|' or '<' or '>' && Operator(template, i) is Token op)
            {
                Flush();
                tokens.Add(op);
                i += op.Text.Length;
            }
            else if (NeedsShell.Contains(c, StringComparison.Ordinal) || c is '|' or '<' or '>')
            {
                throw new UsageException(
                    $"'{c}' in the command template is shell syntax subproc does not interpret " +
                    "(it builds only a | b, < in, > out, >> out and 2>&1 itself); quote it, or add --shell to run each job with /bin/sh -c");
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

    /// <summary>Words already split by the caller's shell: only exact operator words are operators.</summary>
    public static List<Token> FromWords(IEnumerable<string> words) =>
        [.. words.Select(w => Token.Operator(w) ?? new Token(TokenKind.Word, w))];

    /// <summary>The operator at <paramref name="at"/>, or null for one subproc does not build (||, &gt;&amp;, &lt;&lt;).</summary>
    private static Token? Operator(string text, int at)
    {
        string rest = text[at..];
        return rest switch
        {
            _ when rest.StartsWith("||", StringComparison.Ordinal) || rest.StartsWith(">&", StringComparison.Ordinal)
                || rest.StartsWith("<<", StringComparison.Ordinal) || rest.StartsWith("<(", StringComparison.Ordinal) => null,
            _ when rest.StartsWith(">>", StringComparison.Ordinal) => new Token(TokenKind.StdoutAppend, ">>"),
            _ => Token.Operator(rest[..1]),
        };
    }

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

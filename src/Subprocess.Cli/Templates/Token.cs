namespace Subprocess.Cli.Templates;

/// <summary>What a piece of a command template is.</summary>
internal enum TokenKind
{
    Word,
    Pipe,
    StdinFrom,
    StdoutTo,
    StdoutAppend,
    StderrTo,
    StderrAppend,
    StderrToStdout,
}

/// <summary>One word or operator of a command template.</summary>
internal sealed record Token(TokenKind Kind, string Text)
{
    /// <summary>Every operator subproc builds, longest first, so that a match takes the whole of one.</summary>
    private static readonly Token[] Operators =
    [
        new(TokenKind.StderrToStdout, "2>&1"),
        new(TokenKind.StderrAppend, "2>>"),
        new(TokenKind.StdoutAppend, "1>>"),
        new(TokenKind.StderrTo, "2>"),
        new(TokenKind.StdoutTo, "1>"),
        new(TokenKind.StdinFrom, "0<"),
        new(TokenKind.StdoutAppend, ">>"),
        new(TokenKind.Pipe, "|"),
        new(TokenKind.StdinFrom, "<"),
        new(TokenKind.StdoutTo, ">"),
    ];

    /// <summary>The operator that is exactly <paramref name="text"/>, or null.</summary>
    public static Token? Operator(string text) => Array.Find(Operators, op => op.Text == text);

    /// <summary>The longest operator that starts at <paramref name="at"/> in <paramref name="text"/>, or null.</summary>
    public static Token? At(string text, int at) =>
        Array.Find(Operators, op => string.CompareOrdinal(text, at, op.Text, 0, op.Text.Length) == 0);
}

namespace Subprocess.Cli.Templates;

/// <summary>What a piece of a command template is.</summary>
internal enum TokenKind
{
    Word,
    Pipe,
    StdinFrom,
    StdoutTo,
    StdoutAppend,
    StderrToStdout,
}

/// <summary>One word or operator of a command template.</summary>
internal sealed record Token(TokenKind Kind, string Text)
{
    public static Token? Operator(string text) => text switch
    {
        "|" => new(TokenKind.Pipe, text),
        "<" => new(TokenKind.StdinFrom, text),
        ">" => new(TokenKind.StdoutTo, text),
        ">>" => new(TokenKind.StdoutAppend, text),
        "2>&1" => new(TokenKind.StderrToStdout, text),
        _ => null,
    };
}

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
    public static Token? Operator(string text) => text switch
    {
        "|" => new(TokenKind.Pipe, text),
        "<" or "0<" => new(TokenKind.StdinFrom, text),
        ">" or "1>" => new(TokenKind.StdoutTo, text),
        ">>" or "1>>" => new(TokenKind.StdoutAppend, text),
        "2>" => new(TokenKind.StderrTo, text),
        "2>>" => new(TokenKind.StderrAppend, text),
        "2>&1" => new(TokenKind.StderrToStdout, text),
        _ => null,
    };
}

namespace Subprocess.Cli.Templates;

/// <summary>Where a replacement string stands in a <c>--shell</c> template, as <c>sh</c> reads it:
/// what decides how its value must be quoted (see <see cref="ShellTemplate"/>).</summary>
internal enum ShellContext
{
    Unquoted,
    SingleQuoted,
    DoubleQuoted,

    /// <summary>Inside <c>${...}</c> within double quotes, where a <c>}</c> would end the expansion.</summary>
    DoubleQuotedParameter,
    Comment,
}

namespace Subprocess.ShellScripts;

/// <summary>Where a value stands in a script, as <c>sh</c> reads it:
/// what decides how it must be quoted (<see cref="ShellQuoting"/>).</summary>
internal enum ShellContext
{
    Unquoted,
    SingleQuoted,
    DoubleQuoted,

    /// <summary>Inside <c>${...}</c> within double quotes, where a <c>}</c> would end the expansion.</summary>
    DoubleQuotedParameter,
    Comment,
}

namespace Subprocess;

/// <summary>
/// The terminal's output ended (the child, and whatever it started there, exited) before
/// <see cref="Terminal.ExpectAsync(string, TimeSpan?, CancellationToken)"/> saw what it waited for:
/// pexpect's <c>EOF</c>.
/// </summary>
public sealed class ExpectEndOfStreamException : SubprocessException
{
    internal ExpectEndOfStreamException(string expected, string seen)
        : base($"The terminal's output ended before {expected} was seen; saw {Terminal.Shown(seen)}.")
    {
        Expected = expected;
        Seen = seen;
    }

    /// <summary>What was waited for: the text, or the pattern of the regex, quoted.</summary>
    public string Expected { get; }

    /// <summary>Everything the terminal showed during the wait, to its end.</summary>
    public string Seen { get; }
}

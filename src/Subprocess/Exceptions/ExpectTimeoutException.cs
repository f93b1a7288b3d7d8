namespace Subprocess;

/// <summary>
/// <see cref="Terminal.ExpectAsync(string, TimeSpan?, CancellationToken)"/> did not see what it waited for
/// in time (pexpect's <c>TIMEOUT</c>). The child is left running, and what was seen is not consumed:
/// the next <c>ExpectAsync</c> (or a read of <see cref="Terminal.Stream"/>) sees it again.
/// </summary>
public sealed class ExpectTimeoutException : SubprocessException
{
    internal ExpectTimeoutException(string expected, TimeSpan timeout, string seen)
        : base($"Expected {expected} on the terminal within {timeout.TotalSeconds:0.###} s; saw {Terminal.Shown(seen)}.")
    {
        Expected = expected;
        Timeout = timeout;
        Seen = seen;
    }

    /// <summary>What was waited for: the text, or the pattern of the regex, quoted.</summary>
    public string Expected { get; }

    /// <summary>The timeout that expired.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Everything the terminal showed during the wait (UTF-8, U+FFFD for a stray byte).</summary>
    public string Seen { get; }
}

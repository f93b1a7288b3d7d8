namespace Subprocess.Native;

/// <summary>
/// When a <c>poll(2)</c> wait must end, kept across the rounds of a loop that polls again and again
/// (after EINTR, after handling what was ready), so each round waits only for what is left.
/// </summary>
internal readonly struct PollDeadline
{
    private const long None = long.MaxValue;
    private readonly long _at;

    private PollDeadline(long at) => _at = at;

    /// <summary>The deadline <paramref name="milliseconds"/> from now (-1: none, wait forever).</summary>
    public static PollDeadline After(int milliseconds) =>
        new(milliseconds < 0 ? None : Environment.TickCount64 + milliseconds);

    /// <summary>The deadline <paramref name="timeout"/> from now (null or infinite: none).</summary>
    public static PollDeadline After(TimeSpan? timeout) => After(PollFds.Milliseconds(timeout));

    /// <summary>Milliseconds left, as poll's timeout: 0 once passed, -1 with no deadline.</summary>
    public int Remaining => _at == None ? -1 : (int)Math.Clamp(_at - Environment.TickCount64, 0, int.MaxValue);

    /// <summary>Whether there is a deadline and it has passed.</summary>
    public bool HasPassed => _at != None && Environment.TickCount64 >= _at;
}

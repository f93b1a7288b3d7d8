namespace Subprocess;

public sealed partial class Command
{
    /// <summary>A pipeline that sends <paramref name="left"/>'s stdout into <paramref name="right"/>'s stdin
    /// through a kernel pipe (on Linux), like a shell's <c>|</c>.</summary>
    /// <exception cref="ArgumentException">The streams the pipe joins are set elsewhere, or a command has its own timeout.</exception>
    public static Pipeline operator |(Command left, Command right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Then(right);
    }

    /// <summary>The named form of <c>|</c>: a pipeline of this command and <paramref name="next"/>.</summary>
    public Pipeline Then(Command next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Pipeline.Of(this, next);
    }
}

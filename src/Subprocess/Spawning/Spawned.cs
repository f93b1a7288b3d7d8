using Subprocess.Pipes;

namespace Subprocess.Spawning;

/// <summary>What a spawner hands back for one child: its hold on the process, and the parent's ends
/// of the pipes its plan asked for (null where a stream was not piped).</summary>
internal sealed record Spawned(ProcessControl Control, ChildPipe? Stdin, ChildPipe? Stdout, ChildPipe? Stderr, DateTimeOffset StartTime)
{
    /// <summary>The master of the child's pseudo-terminal, if it has one (also its <see cref="Stdout"/>
    /// or <see cref="Stderr"/> where that is the terminal).</summary>
    public ChildPipe? Terminal { get; init; }

    /// <summary>Releases the pipes, for a launch that fails after this child started.</summary>
    public void ClosePipes()
    {
        Stdin?.Dispose();
        Stdout?.Dispose();
        Stderr?.Dispose();
        Terminal?.Dispose();
    }
}

using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess.Running;

/// <summary>One started stage: the spawner's hold on it, the pipes of it the caller may use, and the
/// copies into streams of the caller's that it feeds.</summary>
/// <param name="Command">What its command said.</param>
/// <param name="Control">The spawner's hold on the child.</param>
/// <param name="Stdin">Its stdin pipe, when piped for the caller (only the first stage's can be).</param>
/// <param name="Stdout">Its stdout pipe, when piped for the caller (only the last stage's can be).</param>
/// <param name="Stderr">Its stderr pipe, when piped for the caller.</param>
/// <param name="Copies">Copies between its pipes and the caller's streams (null: none).</param>
/// <param name="StartTime">When it was spawned.</param>
internal sealed record Stage(CommandSpec Command, ProcessControl Control, ChildPipe? Stdin, ChildPipe? Stdout, ChildPipe? Stderr,
    StreamCopies? Copies, DateTimeOffset StartTime)
{
    /// <summary>The master of its pseudo-terminal, if it has one and the caller may use it.</summary>
    public ChildPipe? Terminal { get; init; }
}

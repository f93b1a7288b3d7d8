using Subprocess.Launching;

namespace Subprocess.Spawning;

/// <summary>
/// Starts one child as its <see cref="LaunchPlan"/> says. A new spawner implements this, a
/// <see cref="ProcessControl"/> for its children, and the <see cref="Pipes.ChildPipe"/> kind its pipes
/// are; <see cref="Spawners"/> chooses it.
/// </summary>
internal interface ISpawner
{
    /// <summary>Starts the child with its standard streams wired as the plan says.</summary>
    /// <exception cref="ProcessStartException">The program could not be executed.</exception>
    Spawned Start(LaunchPlan plan);

    /// <summary>Whether a pipeline's stages can be joined by kernel pipes (<see cref="LaunchPlan.StdinFrom"/>,
    /// <see cref="LaunchPlan.StdoutTo"/>) in one process group, or must be relayed through the parent.</summary>
    bool JoinsPipesInKernel { get; }
}

using Subprocess.Launching;

namespace Subprocess.Spawning;

/// <summary>Turns a <see cref="LaunchPlan"/> into a running <see cref="ChildProcess"/>.</summary>
internal interface ISpawner
{
    /// <summary>Starts the child with its standard streams wired as the plan's command says.</summary>
    /// <exception cref="ProcessStartException">The program could not be executed.</exception>
    ChildProcess Start(LaunchPlan plan);

    /// <summary>Whether a pipeline's stages can be joined by kernel pipes (<see cref="Stdio.DescriptorSource"/>),
    /// or must be relayed through the parent.</summary>
    bool JoinsPipesInKernel { get; }
}

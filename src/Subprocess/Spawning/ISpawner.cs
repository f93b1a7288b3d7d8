using Subprocess.Launching;

namespace Subprocess.Spawning;

/// <summary>
/// Starts one child as its <see cref="LaunchPlan"/> says. A new spawner implements this, a
/// <see cref="ProcessControl"/> for its children, and the <see cref="Pipes.ChildPipe"/> kind its pipes
/// are; <see cref="Spawners"/> chooses it.
/// </summary>
internal interface ISpawner
{
    /// <summary>Makes <paramref name="stage"/> ready to start: its host's shared connection opened, then
    /// <see cref="LaunchPlan.Create"/>. Only a fake plans otherwise: a command it stands in for is planned as
    /// written (<see cref="LaunchPlan.InPlaceOf"/>), with nothing resolved and no host reached.</summary>
    /// <exception cref="ProcessStartException">The working directory or the program is missing or unusable.</exception>
    /// <exception cref="SshConnectionException">The stage's host cannot be reached.</exception>
    LaunchPlan Plan(CommandSpec stage)
    {
        stage.Host?.EnsureConnected();
        return LaunchPlan.Create(stage);
    }

    /// <summary>Starts the child with its standard streams wired as the plan says.</summary>
    /// <exception cref="ProcessStartException">The program could not be executed.</exception>
    Spawned Start(LaunchPlan plan);

    /// <summary>Whether the stages of a pipeline planned as <paramref name="plans"/> can be joined by kernel pipes
    /// (<see cref="LaunchPlan.StdinFrom"/>, <see cref="LaunchPlan.StdoutTo"/>) in one process group, or must be
    /// relayed through the parent.</summary>
    bool JoinsPipesInKernel(IReadOnlyList<LaunchPlan> plans);
}

using Subprocess.Launching;
using Subprocess.Spawning;

namespace Subprocess.Testing;

/// <summary>
/// The spawner of a <see cref="FakeProcesses"/> scope: a command one of its rules matches is planned as
/// written and started as a <see cref="FakeChild"/>; any other is planned and started by the spawner the flow
/// used before the scope (<paramref name="underlying"/>: the real one, or an enclosing scope's), or refused.
/// A pipeline with a fake in it is relayed through the parent (a fake has no descriptors to join); one without
/// is joined as <paramref name="underlying"/> joins it.
/// </summary>
internal sealed class FakeSpawner(FakeProcesses fakes, ISpawner underlying) : ISpawner
{
    /// <exception cref="UnexpectedCommandException">Nothing matches and the scope fails unmatched commands.</exception>
    public LaunchPlan Plan(CommandSpec stage)
    {
        if (fakes.Match(stage) is FakeScript script)
        {
            return LaunchPlan.InPlaceOf(stage, new StandIn(this, script));
        }
        return fakes.Unmatched == UnmatchedCommands.RunForReal ? underlying.Plan(stage) : throw fakes.Unexpected(stage);
    }

    public bool JoinsPipesInKernel(IReadOnlyList<LaunchPlan> plans) =>
        plans.All(plan => plan.StandIn is null) && underlying.JoinsPipesInKernel(plans);

    public Spawned Start(LaunchPlan plan)
    {
        if (plan.StandIn is not StandIn { } standIn || standIn.By != this)
        {
            return underlying.Start(plan);
        }
        var call = new FakeCall(plan.Command);
        Spawned spawned = FakeChild.Start(plan, standIn.Script, call);
        fakes.Record(call); // once started: a stdin file that is not there fails the start, as it would a real one
        return spawned;
    }

    /// <summary>A plan's stand-in, as this spawner made it (an enclosing scope's spawner makes its own).</summary>
    private sealed record StandIn(FakeSpawner By, FakeScript Script);
}

namespace Subprocess.Tests.Infrastructure;

/// <summary>The fixture every spec runs under sees the children its spec starts, and no others.</summary>
public class SpecFixtureSpecs : Spec
{
    [Fact(Timeout = 20_000)]
    public async Task The_fixture_sees_the_children_its_spec_starts_from_any_thread_of_its_flow()
    {
        int before = ChildrenStarted;
        await Command.Create("true").RunAsync();
        Command.Create("true").Run();
        await Task.Run(() => Command.Create("true").Run());

        Assert.Equal(before + 3, ChildrenStarted);
        Assert.Empty(LeftBehind());
    }

    [Fact(Timeout = 20_000)]
    public async Task A_child_still_running_when_its_spec_ends_is_left_behind_until_it_is_reaped()
    {
        ChildProcess child = Command.Create("sleep", "30").Start();
        Assert.Equal([child.Pid], LeftBehind());

        await child.DisposeAsync();

        Assert.Empty(LeftBehind());
    }
}

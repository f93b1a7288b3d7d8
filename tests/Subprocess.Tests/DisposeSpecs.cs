using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>No child outlives its handle: disposing a running child ends it.</summary>
public class DisposeSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Disposing_a_running_child_ends_it(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        ChildProcess child = Command.Create("sleep", "30").Start();
        int pid = child.Pid;
        child.Dispose();

        Assert.False(IsAlive(pid), $"sleep 30 (pid {pid}) outlived its handle");
    }

    [Fact(Timeout = 20_000)]
    public async Task Disposing_a_child_that_ignores_SIGTERM_kills_it_after_the_grace_period()
    {
        ChildProcess child = Command.Shell("trap '' TERM; echo ready; sleep 30")
            .WithStdout(Stdio.Pipe).WithGracePeriod(TimeSpan.FromSeconds(0.3)).Start();
        Assert.Equal("ready", await new StreamReader(child.Stdout).ReadLineAsync());
        int pid = child.Pid;
        var clock = Stopwatch.StartNew();

        await child.DisposeAsync();

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.25), $"SIGKILL came before the grace period: {clock.Elapsed}");
        Assert.False(IsAlive(pid));
    }

    [NativeFact("makes no process groups", Timeout = 20_000)]
    public async Task Disposing_a_child_with_its_own_group_ends_its_grandchildren()
    {
        string marker = $"subproc-dispose-{Guid.NewGuid():N}";
        ChildProcess child = Command.Shell($"sh -c 'sleep 30; : {marker}' & echo ready; wait").Marked(marker)
            .WithStdout(Stdio.Pipe).WithTimeout(TimeSpan.FromMinutes(1)).Start();
        Assert.True(child.HasOwnProcessGroup);
        Assert.Equal("ready", await new StreamReader(child.Stdout).ReadLineAsync());
        Assert.True(ProcessTree.AnyRunning(marker));

        await child.DisposeAsync();

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "the grandchild outlived the disposed child");
    }

    [Fact(Timeout = 20_000)]
    public async Task Disposing_twice_or_after_exit_is_harmless()
    {
        ChildProcess child = Command.Create("true").Start();
        await child.WaitAsync();
        child.Dispose();
        child.Dispose();
        await child.DisposeAsync();
        Assert.Equal(0, child.Poll()?.Code);
    }

    /// <summary>Alive and not a zombie awaiting its reaper.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

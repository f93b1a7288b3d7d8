using System.Runtime.CompilerServices;
using Subprocess.Spawning;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Process groups, detached children, and children ended when their parent exits.</summary>
public class LifetimeSpecs : Spec
{
    [Fact(Timeout = 20_000)]
    public async Task KillTree_ends_the_child_and_everything_it_started()
    {
        string marker = $"subproc-tree-{Guid.NewGuid():N}";
        await using ChildProcess child = Command.Shell("sleep 30 & sleep 30 & echo ready; wait")
            .WithNewProcessGroup().Marked(marker).WithStdout(Stdio.Pipe).Start();
        Assert.Equal("ready", await new StreamReader(child.Stdout).ReadLineAsync());

        child.KillTree();

        Assert.Equal(9, (await child.WaitAsync()).Signal);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "a grandchild survived KillTree");
    }

    [NativeFact("makes no process groups, and orphaned grandchildren are out of its reach", Timeout = 20_000)]
    public async Task TerminateTree_reaches_grandchildren_left_after_the_child_exited()
    {
        string marker = $"subproc-orphans-{Guid.NewGuid():N}";
        await using ChildProcess child = Command.Shell("sleep 30 & echo started").WithNewProcessGroup().Marked(marker).Start();
        await child.WaitAsync();
        Assert.True(ProcessTree.AnyRunning(marker));

        child.TerminateTree();

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)));
    }

    [PidNamespaceFact(Timeout = 60_000)]
    public async Task A_finished_group_is_never_signalled_once_its_ID_could_name_a_strangers_group()
    {
        // In a PID namespace of its own, the helper runs `true | true` and `true` in its own group, lets
        // each exit, then starts `setsid sleep 30` at the group's ID and signals the old group by every
        // route (Kill, Terminate, Signal; KillTree, TerminateTree, SignalTree): first with the handle
        // alive, whose zombie leader keeps the ID taken, then after Dispose, when the stranger gets it.
        CapturedResult result = await TestChildProgram.VerbAsNamespaceInit("recycled-group").WithTimeout(TimeSpan.FromSeconds(50)).CaptureAsync();

        Assert.Equal(
            "pipeline held: ID not free, stranger alive\n" +
            "pipeline released: took the ID, stranger alive\n" +
            "child held: ID not free, stranger alive\n" +
            "child released: took the ID, stranger alive\n",
            result.StdoutText);
    }

    [NativeFact("makes no process groups (it reaps as soon as a child exits)", Timeout = 20_000)]
    public async Task A_group_leader_stays_a_zombie_until_its_handle_is_released()
    {
        int pid;
        await using (ChildProcess child = Command.Create("true").WithNewProcessGroup().Start())
        {
            pid = child.Pid;
            await child.WaitAsync();
            Assert.Equal('Z', ProcessTree.StateOf(pid));
        }
        Assert.Equal('-', ProcessTree.StateOf(pid));

        int forgotten = StartAndForget();
        for (int round = 0; round < 10 && ProcessTree.StateOf(forgotten) == 'Z'; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal('-', ProcessTree.StateOf(forgotten)); // a handle never disposed reaps when collected

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int StartAndForget()
        {
            ChildProcess child = Command.Create("true").WithNewProcessGroup().Start();
            child.Wait();
            return child.Pid;
        }
    }

    [NativeFact("makes no process groups (it can kill any child's tree)", Timeout = 20_000)]
    public async Task Tree_signals_need_a_child_in_its_own_group()
    {
        await using ChildProcess child = Command.Create("sleep", "10").Start();
        var error = Assert.Throws<InvalidOperationException>(() => child.KillTree());
        Assert.Contains("WithNewProcessGroup()", error.Message);
        Assert.False(child.HasOwnProcessGroup);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_detached_child_outlives_its_handle_and_is_still_reaped()
    {
        ChildProcess child = Command.Create("sleep", "0.5").Detached().Start();
        int pid = child.Pid;
        await child.DisposeAsync();

        Assert.Contains(ProcessTree.Children(), c => c.Pid == pid && c.State != 'Z');
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessTree.Children().Any(c => c.Pid == pid) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.DoesNotContain(ProcessTree.Children(), c => c.Pid == pid); // exited and reaped: no zombie
    }

    [Theory(Timeout = 60_000)]
    [InlineData("exit")]
    [InlineData("throw")]
    public async Task Children_are_ended_when_the_parent_exits(string mode)
    {
        string marker = $"subproc-parent-{mode}-{Guid.NewGuid():N}";
        await using ChildProcess parent = TestChildProgram.Verb("leave-children", mode).Marked(marker)
            .WithStdout(Stdio.Pipe).WithStderr(Stdio.Null).Start();
        Assert.Equal("ready", await new StreamReader(parent.Stdout).ReadLineAsync());

        await parent.WaitAsync();

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), $"children outlived a parent that ended by {mode}");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(2)]  // SIGINT
    [InlineData(15)] // SIGTERM
    [InlineData(1)]  // SIGHUP
    public async Task Children_are_ended_when_the_parent_is_signalled(int signal)
    {
        string marker = $"subproc-signal-{signal}-{Guid.NewGuid():N}";
        await using ChildProcess parent = TestChildProgram.InterruptibleVerb("leave-children", "wait").Marked(marker)
            .WithStdout(Stdio.Pipe).WithStderr(Stdio.Null).Start();
        Assert.Equal("ready", await new StreamReader(parent.Stdout).ReadLineAsync());

        parent.Signal(signal);
        await parent.WaitAsync();

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), $"children outlived a parent ended by signal {signal}");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_exit_handler_meeting_a_failing_child_still_ends_the_others_and_never_throws()
    {
        string marker = $"subproc-throwing-{Guid.NewGuid():N}";
        try
        {
            await using ChildProcess parent = TestChildProgram.Verb("throwing-control").Marked(marker).WithStdout(Stdio.Pipe).Start();
            Assert.Equal("ready", await new StreamReader(parent.Stdout).ReadLineAsync());
            Assert.Equal(ExitStatus.Exited(0), await parent.WaitAsync()); // an exit, not a crash of the handler
            Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), "the sleep outlived the parent");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("exit", 0)]
    [InlineData("throw", 0)]
    [InlineData("wait", 15)] // SIGTERM
    [InlineData("wait", 1)]  // SIGHUP
    public async Task Children_started_while_the_parent_ends_are_ended_too(string mode, int signal)
    {
        // Five times, as a start racing the end is a matter of timing: threads keep starting children
        // (alone and in groups of their own) while the parent exits, throws or is signalled.
        for (int round = 0; round < 5; round++)
        {
            string marker = $"subproc-racing-{mode}-{signal}-{Guid.NewGuid():N}";
            try
            {
                await using ChildProcess parent = TestChildProgram.InterruptibleVerb("start-while-ending", mode).Marked(marker)
                    .WithStdout(Stdio.Pipe).WithStderr(Stdio.Null).Start();
                Assert.Equal("ready", await new StreamReader(parent.Stdout).ReadLineAsync());
                if (signal != 0)
                {
                    parent.Signal(signal);
                }
                await parent.WaitAsync();

                Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)),
                    $"round {round}: a child started while the parent ended ({mode} {signal}) outlived it");
            }
            finally
            {
                ProcessTree.KillMarked(marker);
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_parent_that_lives_on_after_a_signal_starts_children_again()
    {
        // Its own SIGTERM handler cancels the signal after the library's has ended the children; the
        // starts closed while that happened reopen a moment later, and the next start runs.
        CapturedResult result = await TestChildProgram.Verb("outlive-signal").WithTimeout(TimeSpan.FromSeconds(30)).CaptureAsync();

        // SIGTERM (within the grace period) on the native spawner; the portable one can only kill a tree.
        string ended = Spawners.Default is PortableSpawner ? "killed by SIGKILL" : "killed by SIGTERM";
        Assert.Equal($"before: {ended}\nafter: started\n", result.StdoutText);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_detached_child_survives_its_parents_exit()
    {
        string marker = $"subproc-detached-{Guid.NewGuid():N}";
        string go = Path.Combine(Path.GetTempPath(), marker + ".go"), alive = Path.Combine(Path.GetTempPath(), marker + ".alive");
        try
        {
            // The parent has ended its children by the time it exits; only then is the detached one
            // asked to show it is still there, which a child ended with its parent cannot do.
            await TestChildProgram.Verb("leave-children", "detached", go, alive).Marked(marker).CaptureAsync();
            await File.WriteAllTextAsync(go, "");

            Assert.True(await ProcessTree.Within(() => File.Exists(alive), TimeSpan.FromSeconds(10)),
                "the detached child did not answer after its parent exited: it was ended with it");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
            File.Delete(go);
            File.Delete(alive);
        }
    }
}

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

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_and_Dispose_racing_on_two_threads_never_hang(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        // The child has exited, so Dispose goes straight to closing the pipes while the other thread
        // starts its first read or write on them: the window in which the portable spawner's pipes
        // (.NET's PipeStream) once hung for good, within a few rounds of this loop.
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        while (rounds < 300 && clock.Elapsed < TimeSpan.FromSeconds(4))
        {
            ChildProcess child = Command.Create("true").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
            child.Wait();
            using var go = new Barrier(2);
            int round = rounds++;
            int spin = Random.Shared.Next(20_000);
            Task use = OnItsOwnThread(() =>
            {
                go.SignalAndWait();
                Action first = (round % 3) switch
                {
                    0 => () => child.Communicate("input"u8.ToArray()),
                    1 => () => child.CommunicateAsync("input"u8.ToArray()).GetAwaiter().GetResult(),
                    _ => () => child.Stdout.ReadAsync(new byte[16]).AsTask().GetAwaiter().GetResult(),
                };
                try
                {
                    first();
                }
                catch (Exception e) when (e is ObjectDisposedException or IOException && !e.Message.Contains("epoll_ctl", StringComparison.Ordinal))
                {
                    // Disposed first, or while the pipes were in use: either is an answer. Not an epoll
                    // failure: that is a pump registered after the Dispose finished it, its number handed on.
                }
            });
            Task dispose = OnItsOwnThread(() =>
            {
                go.SignalAndWait();
                Thread.SpinWait(spin);
                child.Dispose();
            });

            Task both = Task.WhenAll(use, dispose);
            if (await Task.WhenAny(both, Task.Delay(TimeSpan.FromSeconds(20))) != both)
            {
                Assert.Fail($"round {round + 1} hung: {(use.IsCompleted ? "" : "the use ")}{(dispose.IsCompleted ? "" : "the Dispose ")}never returned");
            }
            await both;
        }
        Assert.True(rounds >= 20, $"only {rounds} rounds ran: too few to say anything");
    }

    private static Task OnItsOwnThread(Action action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

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

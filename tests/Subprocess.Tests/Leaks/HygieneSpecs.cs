using System.Globalization;
using System.IO.Pipes;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests.Leaks;

[CollectionDefinition(nameof(Hygiene), DisableParallelization = true)]
public sealed class Hygiene;

/// <summary>No leaked descriptors, no zombies, clean signal state in children. Runs alone, since
/// other tests' children would blur the counts.</summary>
[Collection(nameof(Hygiene))]
public class HygieneSpecs : Spec
{
    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Disposing_a_running_child_releases_its_pipes_and_pidfd(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Command sleep = Command.Create("sleep", "30").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe)
            .WithGracePeriod(TimeSpan.FromSeconds(0.2));
        await (await Task.Run(() => sleep.Start())).DisposeAsync(); // warm up: the event loop's own descriptors
        var before = ProcessTree.DescriptorTargets();

        ChildProcess child = sleep.Start();
        int opened = ProcessTree.DescriptorTargets().Count - before.Count;
        await child.DisposeAsync();

        var added = ProcessTree.DescriptorTargets().ToList();
        foreach (string target in before)
        {
            added.Remove(target);
        }
        Assert.True(opened >= 3, $"only {opened} descriptors were open while it ran: the check would prove nothing");
        Assert.DoesNotContain(added, target => target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("anon_inode:[pidfd]", StringComparison.Ordinal));
        Assert.NotNull(child.Poll());
    }

    [Fact(Timeout = 120_000)]
    public async Task Two_thousand_spawns_leave_no_descriptor_and_no_zombie_behind()
    {
        await Task.Yield();
        // Warm up: the event loop's epoll descriptor and the runtime's own lazily opened files.
        for (int i = 0; i < 20; i++)
        {
            Command.Create("true").Run();
            Command.Create("echo", "x").Capture();
        }
        var before = ProcessTree.DescriptorTargets();

        for (int i = 0; i < Emulation.Scaled(1000); i++)
        {
            Command.Create("true").Run();
            Assert.Equal("x\n", Command.Create("echo", "x").Capture().StdoutText);
        }

        // A leak here would be one or more descriptors per spawn, a thousand or more; the runtime
        // and tests finishing in other collections may open or close a few of their own meanwhile.
        var after = ProcessTree.DescriptorTargets();
        var added = after.ToList();
        foreach (string target in before)
        {
            added.Remove(target); // a multiset difference: ten leaked /dev/null handles are ten
        }
        Assert.True(added.Count < 10, $"{added.Count} descriptors more: {string.Join(", ", added.Take(20))}");
        Assert.DoesNotContain(added, target => target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("anon_inode:[pidfd]", StringComparison.Ordinal));
        Assert.Equal(0, ProcessTree.Zombies());
        Assert.Empty(ProcessTree.Children());
    }

    [Fact(Timeout = 120_000)]
    public async Task Finished_async_captures_leave_nothing_registered_with_the_event_loop()
    {
        await Command.Create("echo", "hi").CaptureAsync(); // the loop exists, with its own registrations
        int before = Waiting.EventLoop.Shared.Registered;

        for (int i = 0; i < Emulation.Scaled(3000); i++)
        {
            Assert.Equal("hi\n", (await Command.Create("echo", "hi").CaptureAsync()).StdoutText);
        }

        // A pump that finished on its first event before it knew its token stayed in the loop's table
        // for good (16 KiB of buffer each): hundreds of them after 3,000 short captures.
        Assert.True(await ProcessTree.Within(() => Waiting.EventLoop.Shared.Registered <= before, TimeSpan.FromSeconds(5)),
            $"{Waiting.EventLoop.Shared.Registered - before} registrations left in the event loop");
    }

    [NativeFact("cannot close inherited descriptors in the child (Process has no closefrom)", Timeout = 30_000)]
    public async Task A_child_sees_only_descriptors_0_1_2_even_when_the_parent_has_inheritable_ones()
    {
        // An inheritable pipe is exactly what would leak into a child without closefrom(3).
        using var leaky = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);

        // sh lists its own descriptors; `ls /proc/self/fd` would also show ls's directory handle.
        CapturedResult result = await Command.Shell("ls /proc/$$/fd").CaptureAsync();

        Assert.Equal(["0", "1", "2"], result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_inheritable_descriptor_reaches_the_children_of_the_portable_spawner_as_it_reaches_those_of_Process()
    {
        using var spawner = Spawner.Use(SpawnerKind.Portable);
        // Pinned, not wished for (README, "Elsewhere"): Process.Start gives the child every descriptor
        // not marked close-on-exec, and runs nothing in the child that could close them.
        using var leaky = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);
        string inheritable = leaky.GetClientHandleAsString();

        CapturedResult result = await Command.Shell("ls /proc/$$/fd").CaptureAsync();

        Assert.Contains(inheritable, result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [NativeFact("leaves SIGPIPE ignored in children, as Process does", Timeout = 30_000)]
    public async Task A_child_starts_with_no_blocked_signals_and_SIGPIPE_at_its_default()
    {
        CapturedResult status = await Command.Create("cat", "/proc/self/status").CaptureAsync();
        ulong blocked = Mask(status.StdoutText, "SigBlk:");
        ulong ignored = Mask(status.StdoutText, "SigIgn:");

        Assert.Equal(0UL, blocked);
        Assert.Equal(0UL, ignored & (1UL << (13 - 1))); // SIGPIPE
        Assert.Equal(0UL, ignored & (1UL << (25 - 1))); // SIGXFSZ
    }

    [NativeFact("leaves SIGPIPE ignored in children, as Process does", Timeout = 30_000)]
    public async Task Yes_into_head_ends_at_once_by_SIGPIPE()
    {
        // With SIGPIPE still ignored (inherited from the runtime), `yes` would see EPIPE instead,
        // complain on stderr and exit 1; with the default it dies quietly by signal 13 (status 141).
        CapturedResult result = await Command.Create("bash", "-c", "yes | head -n 1; echo ${PIPESTATUS[0]}")
            .WithTimeout(TimeSpan.FromSeconds(20)).CaptureAsync();

        Assert.Equal("y\n141\n", result.StdoutText);
        Assert.Empty(result.StderrText);
    }

    [Fact(Timeout = 120_000)]
    public async Task Eight_threads_of_two_hundred_concurrent_starts_all_get_their_own_output()
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int i = 0; i < Emulation.Scaled(200); i++)
            {
                string expected = $"{t}:{i}";
                string got = Command.Create("echo", expected).Capture().StdoutText;
                if (got != expected + "\n")
                {
                    failures.Enqueue($"{expected} got '{got}'");
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        await Task.Run(() => threads.ForEach(t => t.Join()));

        Assert.Empty(failures);
        Assert.Equal(0, ProcessTree.Zombies());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_event_loop_is_one_thread_however_many_children_wait()
    {
        var children = Enumerable.Range(0, 100).Select(_ => Command.Create("sleep", "0.5").Start()).ToList();
        int loops = LoopThreads();
        await Task.WhenAll(children.Select(c => c.WaitAsync()));
        children.ForEach(c => c.Dispose());

        Assert.Equal(1, loops);
        Assert.Equal(0, ProcessTree.Zombies());
    }

    private static int LoopThreads() =>
        Directory.GetDirectories("/proc/self/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == "Subprocess even");

    private static ulong Mask(string status, string field)
    {
        string line = status.Split('\n').Single(l => l.StartsWith(field, StringComparison.Ordinal));
        return ulong.Parse(line[field.Length..].Trim(), NumberStyles.HexNumber);
    }
}

using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests.Leaks;

/// <summary>Children that misbehave, and load: nothing hangs, nothing leaks, nothing is left running.
/// Runs alone (thread and descriptor counts would be blurred by other tests).</summary>
[Collection(nameof(Hygiene))]
public class FaultSpecs : Spec
{
    [Fact(Timeout = 60_000)]
    public async Task A_child_that_stops_reading_stdin_while_50_MB_are_written_ends_cleanly()
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) => unobserved.Add(e.Exception);
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            byte[] input = new byte[50 * 1024 * 1024];
            await using ChildProcess child = Command.Create("head", "-c", "10").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();

            ProcessOutput output = await child.CommunicateAsync(input, TimeSpan.FromSeconds(30));

            Assert.Equal(10, output.Stdout.Length);
            Assert.True(child.Poll()?.Success);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Empty(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_child_that_closes_stdout_early_while_50_MB_go_to_its_stdin_ends_cleanly()
    {
        // It says one thing, closes stdout, then reads everything: the parent keeps writing meanwhile.
        byte[] input = new byte[50 * 1024 * 1024];
        await using ChildProcess child = Command.Shell("echo bye; exec >&-; wc -c >&2")
            .WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();

        ProcessOutput output = await child.CommunicateAsync(input, TimeSpan.FromSeconds(30));

        Assert.Equal("bye\n", output.StdoutText);
        Assert.Equal(input.Length.ToString(), output.StderrText.Trim());
        Assert.True(output.Complete);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_child_flooding_stderr_with_100_MB_does_not_block_reading_stdout()
    {
        await using ChildProcess child = Command.Shell("head -c 104857600 /dev/zero >&2; echo done")
            .WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();

        ProcessOutput output = await child.CommunicateAsync(timeout: TimeSpan.FromSeconds(50));

        Assert.Equal("done\n", output.StdoutText);
        Assert.Equal(100 * 1024 * 1024, output.Stderr.Length);
    }

    [NativeFact("waits through Process, which uses threads of its own", Timeout = 120_000)]
    public async Task A_thousand_children_alive_at_once_are_all_reaped_by_one_thread()
    {
        await Task.Yield();
        Command.Create("true").Run(); // the event loop exists before counting
        int threadsBefore = Threads();

        var children = new List<ChildProcess>(1000);
        for (int i = 0; i < Emulation.Scaled(1000); i++)
        {
            children.Add(Command.Create("sleep", "1").Start());
        }
        int threadsWhileWaiting = Threads();
        await Task.WhenAll(children.Select(c => c.WaitAsync()));

        Assert.All(children, c => Assert.True(c.Poll()?.Success));
        children.ForEach(c => c.Dispose());
        Assert.True(threadsWhileWaiting - threadsBefore <= 2, $"threads went from {threadsBefore} to {threadsWhileWaiting}");
        Assert.Equal(0, ProcessTree.Zombies());
        Assert.Empty(ProcessTree.Children());
    }

    [Fact(Timeout = 120_000)]
    public async Task Two_thousand_start_and_kill_races_leave_nothing_behind()
    {
        await Task.Yield();
        var before = ProcessTree.DescriptorTargets();
        for (int i = 0; i < Emulation.Scaled(1000); i++)
        {
            // Killed right after start: the kill may land before or after exec.
            using (ChildProcess child = Command.Create("sleep", "5").WithStdout(Stdio.Pipe).Start())
            {
                child.Kill();
                Assert.Equal(9, child.Wait(TimeSpan.FromSeconds(10)).Signal);
            }
            // Killed after it exited, alone or with its (now empty) group: nothing happens, nothing is thrown.
            using (ChildProcess child = Command.Create("true").WithNewProcessGroup().Start())
            {
                child.Wait();
                child.Kill();
                child.KillTree();
            }
        }

        var added = ProcessTree.DescriptorTargets().ToList();
        foreach (string target in before)
        {
            added.Remove(target);
        }
        Assert.True(added.Count < 10, $"{added.Count} descriptors more: {string.Join(", ", added.Take(20))}");
        Assert.Equal(0, ProcessTree.Zombies());
        Assert.Empty(ProcessTree.Children());
    }

    [Fact(Timeout = 120_000)]
    public async Task The_runtimes_own_Process_works_beside_it_at_the_same_time()
    {
        // Never waitpid(-1): if the event loop reaped Process's children, Process would fail or the runtime abort.
        var ours = Task.Run(() =>
        {
            for (int i = 0; i < Emulation.Scaled(300); i++)
            {
                Assert.Equal("ours\n", Command.Create("echo", "ours").Capture().StdoutText);
            }
        });
        var theirs = Task.Run(() =>
        {
            for (int i = 0; i < Emulation.Scaled(300); i++)
            {
                using var process = Process.Start(new ProcessStartInfo("echo", "theirs") { RedirectStandardOutput = true })!;
                Assert.Equal("theirs\n", process.StandardOutput.ReadToEnd());
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }
        });

        await Task.WhenAll(ours, theirs);
        Assert.Equal(0, ProcessTree.Zombies());
    }

    private static int Threads() =>
        int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim());
}

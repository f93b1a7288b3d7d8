namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Run as the first process of a new PID namespace (<c>unshare -pf --mount-proc</c>, as root), where
/// it can choose the next PID through <c>/proc/sys/kernel/ns_last_pid</c>. For a pipeline and for a
/// child leading its own group, both exited: starts an unrelated <c>setsid sleep</c> that takes the
/// group's ID if it is free, signals the finished group by every route the API has, and prints whether
/// the stranger took the ID and whether it survived; once while the handle lives, once after it was
/// disposed. A group may only be signalled while the ID cannot have been reused.
/// </summary>
internal static class RecycledGroup
{
    private const string LastPid = "/proc/sys/kernel/ns_last_pid";

    public static int Run()
    {
        if (Environment.ProcessId != 1 || !File.Exists(LastPid))
        {
            Console.Error.WriteLine("run me as PID 1 of a new PID namespace with its own /proc");
            return 3;
        }
        Report("pipeline", () =>
        {
            PipelineProcess pipeline = (Command.Create("true") | Command.Create("true")).Start();
            pipeline.Wait();
            return (pipeline.Stages[0].Pid, pipeline, [pipeline.Kill, pipeline.Terminate, () => pipeline.Signal(10)]);
        });
        Report("child", () =>
        {
            ChildProcess child = Command.Create("true").WithNewProcessGroup().Start();
            child.Wait();
            return (child.Pid, child, [child.KillTree, child.TerminateTree, () => child.SignalTree(10)]);
        });
        return 0;
    }

    private static void Report(string name, Func<(int Group, IDisposable Handle, Action[] Signals)> finished)
    {
        (int group, IDisposable handle, Action[] signals) = finished();
        Console.WriteLine($"{name} held: {Attempt(group, signals)}");
        handle.Dispose();
        Console.WriteLine($"{name} released: {Attempt(group, signals)}");
    }

    /// <summary>Starts the stranger (a few tries: a runtime thread may take the PID first), signals,
    /// and says whether the stranger got the group's ID and whether it lived through the signals.</summary>
    private static string Attempt(int group, Action[] signals)
    {
        for (int attempt = 1; ; attempt++)
        {
            File.WriteAllText(LastPid, $"{group - 1}");
            using ChildProcess stranger = Command.Create("setsid", "sleep", "30").Start();
            if (stranger.Pid != group && attempt < 20)
            {
                stranger.Kill();
                stranger.Wait();
                continue;
            }
            // Only once setsid has made it a group leader and become sleep can a group signal reach it.
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (!LeadsOwnGroupAsSleep(stranger.Pid) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
            foreach (Action signal in signals)
            {
                signal();
            }
            Thread.Sleep(200);
            string took = stranger.Pid == group ? "took the ID" : "ID not free";
            string lived = stranger.Poll() is null ? "stranger alive" : $"stranger {stranger.Poll()}";
            stranger.Kill();
            return $"{took}, {lived}";
        }
    }

    private static bool LeadsOwnGroupAsSleep(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // pid (comm) state ppid pgrp ...: the fields after the last ')' are plain numbers.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return stat.Contains("(sleep)") && fields[2] == $"{pid}";
    }
}

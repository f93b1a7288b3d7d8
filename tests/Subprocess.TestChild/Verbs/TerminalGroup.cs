namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Run with a terminal as stdin (under <c>script</c>): starts children every way that wants a process
/// group to end their tree (a token that can be cancelled, a timeout, an output limit, a pipeline),
/// once with stdin inherited (the terminal) and once with stdin from /dev/null, once with only stderr
/// on the terminal, then once asking for a
/// group outright (<c>WithNewProcessGroup</c>, and a job of <c>JobRunner</c>), and prints for each
/// whether the child shared this process's group ("same") or led its own ("own").
/// </summary>
internal static class TerminalGroup
{
    public static async Task<int> RunAsync()
    {
        using var cancel = new CancellationTokenSource();
        string mine = GroupOf(File.ReadAllText("/proc/self/stat"));
        Command stat = Command.Create("cat", "/proc/self/stat");
        var ways = new (string Name, Func<Command, Task<CapturedResult>> Capture)[]
        {
            ("cancellable", command => command.CaptureAsync(cancellationToken: cancel.Token)),
            ("timeout", command => command.WithTimeout(TimeSpan.FromSeconds(30)).CaptureAsync()),
            ("limit", command => command.WithMaxOutput(1 << 20).CaptureAsync()),
            ("pipeline", command => (command | Command.Create("cat")).CaptureAsync()),
        };
        foreach ((string name, Func<Command, Task<CapturedResult>> capture) in ways)
        {
            Console.WriteLine($"{name}: {Same(await capture(stat))} {Same(await capture(stat.WithStdin(Stdio.Null)))}");
        }
        // Writing to the terminal from a group of its own stops a child only under stty tostop (not set here).
        string file = Path.GetTempFileName();
        await stat.WithStdin(Stdio.Null).WithStdout(Stdio.File(file)).RunAsync(cancel.Token);
        Console.WriteLine($"stderr to the terminal: {SameIn(File.ReadAllText(file))}");
        File.Delete(file);
        Console.WriteLine($"asked: {Same(await stat.WithNewProcessGroup().CaptureAsync())}");
        await foreach (JobResult job in JobRunner.RunAsync([stat], (command, _) => Pipeline.Create(command), new JobOptions()))
        {
            using var stdout = new StreamReader(job.OpenStdout());
            Console.WriteLine($"job: {SameIn(await stdout.ReadToEndAsync())}");
        }
        return 0;

        string Same(CapturedResult result) => SameIn(result.StdoutText);
        string SameIn(string stat) => GroupOf(stat) == mine ? "same" : "own";
    }

    // Field 5 of /proc/PID/stat, counting after the command name in parentheses (which may hold spaces).
    private static string GroupOf(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
}

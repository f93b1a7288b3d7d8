namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Run with a terminal as stdin (under <c>script</c>): captures a child's process group twice through
/// CaptureAsync with a token that can be cancelled, once with stdin inherited (the terminal) and once
/// with stdin from /dev/null, and prints for each whether the child shared this process's group
/// ("same") or led its own ("own").
/// </summary>
internal static class TerminalGroup
{
    public static async Task<int> RunAsync()
    {
        using var cancel = new CancellationTokenSource();
        string mine = GroupOf(File.ReadAllText("/proc/self/stat"));
        Command stat = Command.Create("cat", "/proc/self/stat");
        string inherited = GroupOf((await stat.CaptureAsync(cancellationToken: cancel.Token)).StdoutText);
        string nulled = GroupOf((await stat.WithStdin(Stdio.Null).CaptureAsync(cancellationToken: cancel.Token)).StdoutText);
        Console.WriteLine($"{(inherited == mine ? "same" : "own")} {(nulled == mine ? "same" : "own")}");
        return 0;
    }

    // Field 5 of /proc/PID/stat, counting after the command name in parentheses (which may hold spaces).
    private static string GroupOf(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
}

namespace Subprocess.Tests.Infrastructure;

/// <summary>Reads /proc to see what this test process has left behind.</summary>
public static partial class ProcessTree
{
    /// <summary>PIDs and states ('R', 'S', 'Z', ...) of this process's direct children.</summary>
    public static IReadOnlyList<(int Pid, char State)> Children()
    {
        int self = Environment.ProcessId;
        var children = new List<(int, char)>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }
            // The command name is in parentheses and may hold spaces; fields resume after the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1]) == self)
            {
                children.Add((pid, fields[0][0]));
            }
        }
        return children;
    }

    public static int Zombies() => Children().Count(c => c.State == 'Z');

    /// <summary>The start time of <paramref name="pid"/> (field 22 of /proc/PID/stat, in clock ticks
    /// since boot), or null if it is gone.</summary>
    public static string? StartTimeOf(int pid) => StatFields(pid) is { } fields ? fields[19] : null;

    /// <summary>Whether <paramref name="pid"/> leads the foreground process group of its controlling terminal (tpgid, field 8).</summary>
    public static bool LeadsItsTerminal(int pid) => StatFields(pid) is { } fields && fields[5] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The state of <paramref name="pid"/> ('R', 'S', 'Z', ...), or '-' if it is gone.</summary>
    public static char StateOf(int pid) => StatFields(pid) is { } fields ? fields[0][0] : '-';

    /// <summary>Whether <paramref name="pid"/> is still a child of this process, running or a zombie,
    /// and the same process that had <paramref name="startTime"/> (not a recycled PID).</summary>
    public static bool IsChildWithStartTime(int pid, string startTime) =>
        StatFields(pid) is { } fields && int.Parse(fields[1]) == Environment.ProcessId && fields[19] == startTime;

    /// <summary>The fields of /proc/PID/stat after the command name (field 3 first), or null if it is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            // The command name is in parentheses and may hold spaces; fields resume after the last ')'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What each open descriptor of this process points at ("pipe:[1234]", "/dev/null", ...).</summary>
    public static IReadOnlyList<string> DescriptorTargets()
    {
        var targets = new List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                targets.Add(new FileInfo(fd).LinkTarget ?? "?");
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }
        return targets;
    }

    /// <summary>
    /// Whether every process whose command line contains <paramref name="marker"/> is gone within
    /// <paramref name="timeout"/>. A SIGKILL is delivered asynchronously: <c>kill</c> returns before
    /// the target has died, so a check right after it would race.
    /// </summary>
    public static Task<bool> GoneWithin(string marker, TimeSpan timeout) => Within(() => !AnyRunning(marker), timeout);

    /// <summary>Whether <paramref name="pid"/> has exited and been reaped (its /proc entry gone) within the time.</summary>
    public static Task<bool> ReapedWithin(int pid, TimeSpan timeout) => Within(() => !Directory.Exists($"/proc/{pid}"), timeout);

    /// <summary>Whether <paramref name="condition"/> holds within <paramref name="timeout"/>, looking every 20 ms.</summary>
    public static async Task<bool> Within(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/PID/stat).</summary>
    public static int GroupOf(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            // Asked of the kernel: under user-mode emulation (the arm64 run) this process's own
            // /proc/PID/stat is the emulator's invention, with 0 for its group.
            return getpgid(0);
        }
        // The command name is in parentheses and may hold spaces; fields resume after the last ')'.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
    }

    /// <summary>The variable <see cref="Marked"/> sets: every descendant inherits it, down to a
    /// <c>sleep</c> whose own command line says nothing.</summary>
    public const string MarkerVariable = "SUBPROC_TEST_MARKER";

    /// <summary>The command with <paramref name="marker"/> in its environment, for <see cref="AnyRunning"/>.</summary>
    public static Command Marked(this Command command, string marker) => command.WithEnvironment(MarkerVariable, marker);

    /// <summary>SIGKILLs every process marked with <paramref name="marker"/>: cleanup for tests that leave
    /// a grandchild running on purpose.</summary>
    public static void KillMarked(string marker)
    {
        foreach (int pid in Marked(marker))
        {
            Command.Shell($"kill -9 {pid}").WithCheck(false).WithStderr(Stdio.Null).Run(); // the shell's builtin: no procps needed
        }
    }

    /// <summary>Whether any live process has <paramref name="marker"/> in its command line or environment.</summary>
    public static bool AnyRunning(string marker) => Marked(marker).Any();

    private static IEnumerable<int> Marked(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            bool marked;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")) + File.ReadAllText(Path.Combine(dir, "environ"));
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                marked = cmdline.Contains(marker, StringComparison.Ordinal) && stat[(stat.LastIndexOf(')') + 2)] != 'Z';
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone, or not ours to read
            }
            if (marked)
            {
                yield return pid;
            }
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int getpgid(int pid);
}

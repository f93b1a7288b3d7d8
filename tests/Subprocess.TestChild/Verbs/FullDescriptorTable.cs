using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Fills this process's descriptor table (its limit lowered first, so that is quick), then starts a
/// child: posix_spawn needs no descriptor, but holding the child by a pidfd does. Prints what the
/// start did ("refused: MESSAGE" or "started"), then how many children this process still has, which
/// must be none: a start that cannot hold its child must not leave it running.
/// </summary>
internal static partial class FullDescriptorTable
{
    private const int RLIMIT_NOFILE = 7;

    public static unsafe int Run()
    {
        Command.Create("true").Run(); // the library's own descriptors (its event loop's) are open first
        ulong* limit = stackalloc ulong[2];
        if (getrlimit(RLIMIT_NOFILE, limit) != 0 || (limit[0] = Math.Min(limit[0], 512)) == 0 || setrlimit(RLIMIT_NOFILE, limit) != 0)
        {
            Console.Error.WriteLine("cannot lower RLIMIT_NOFILE");
            return 3;
        }
        var held = new List<SafeFileHandle>();
        string outcome;
        try
        {
            try
            {
                while (true)
                {
                    held.Add(File.OpenHandle("/dev/null"));
                }
            }
            catch (IOException)
            {
                // The table is full.
            }
            using ChildProcess child = Command.Create("sleep", "30").Start();
            outcome = "started";
        }
        catch (ProcessStartException e)
        {
            outcome = $"refused: {e.Message}";
        }
        finally
        {
            held.ForEach(handle => handle.Dispose());
        }
        Console.WriteLine(outcome);
        Console.WriteLine($"children left: {Children()}");
        return 0;
    }

    private static int Children()
    {
        int count = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                count += int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]) == Environment.ProcessId ? 1 : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone while we looked, or not a process.
            }
        }
        return count;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getrlimit(int resource, ulong* limit);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int setrlimit(int resource, ulong* limit);
}

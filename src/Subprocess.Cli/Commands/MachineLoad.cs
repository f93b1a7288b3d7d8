using System.Globalization;

namespace Subprocess.Cli.Commands;

/// <summary>
/// <c>--load</c> and <c>--memfree</c>: how busy this machine is, read from <c>/proc</c> much as GNU
/// parallel reads it on Linux, and the wait before each job start that both make.
/// </summary>
internal static class MachineLoad
{
    /// <summary>How often a held-back start looks again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>The processes running now besides the one asking: <c>/proc/loadavg</c>'s runnable count
    /// less itself (GNU parallel counts <c>ps</c>'s processes in state R or D, less the <c>ps</c>; this is
    /// the kernel's own count of the first, without starting a <c>ps</c> for each job).</summary>
    public static int RunningProcesses()
    {
        string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return int.Parse(fields[3].AsSpan(0, fields[3].IndexOf('/', StringComparison.Ordinal)), CultureInfo.InvariantCulture) - 1;
    }

    /// <summary>The memory free for a new job, in bytes, as GNU parallel adds it up: MemFree, Buffers,
    /// Cached and SwapCached from <c>/proc/meminfo</c>.</summary>
    public static long FreeBytes()
    {
        long kib = 0;
        foreach (string line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemFree:", StringComparison.Ordinal) || line.StartsWith("Buffers:", StringComparison.Ordinal)
                || line.StartsWith("Cached:", StringComparison.Ordinal) || line.StartsWith("SwapCached:", StringComparison.Ordinal))
            {
                kib += long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        return kib * 1024;
    }

    /// <summary>
    /// The wait before each start (<see cref="JobOptions.WaitToStart"/>): until fewer than
    /// <paramref name="maxRunning"/> processes run and at least <paramref name="minFree"/> bytes are free,
    /// looking again every quarter second; null when neither is asked for.
    /// </summary>
    public static Func<CancellationToken, ValueTask>? WaitFor(double? maxRunning, double? minFree)
    {
        if (maxRunning is null && minFree is null)
        {
            return null;
        }
        return async cancellationToken =>
        {
            while (maxRunning is double most && RunningProcesses() >= most || minFree is double least && FreeBytes() < least)
            {
                await Task.Delay(Poll, cancellationToken);
            }
        };
    }
}

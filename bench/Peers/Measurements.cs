using System.Diagnostics;
using System.Globalization;

/// <summary>The measurements, each the same for every library, each printing one line of numbers.</summary>
internal static class Measurements
{
    public static async Task<string> PipelineAsync(IPeer peer, long bytes)
    {
        await peer.PipelineAsync(1);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        string counted = (await peer.PipelineAsync(bytes)).Trim();
        double wall = clock.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Expect(bytes.ToString(CultureInfo.InvariantCulture), counted);
        return Line($"{counted} {wall:F3} {cpu:F3} {Status("VmHWM")}");
    }

    /// <summary>Milliseconds per call of <paramref name="once"/>, after 100 warm-up calls.</summary>
    public static async Task<string> SequentialAsync(Func<Task> once, int count)
    {
        for (int i = 0; i < 100; i++)
        {
            await once();
        }
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            await once();
        }
        return Line($"{clock.Elapsed.TotalMilliseconds / count:F4}");
    }

    /// <summary>
    /// Starts <paramref name="count"/> sleeps, then waits for all, while this thread samples the
    /// process's thread count. The idle count is the runtime's before any child was started; the
    /// warm count follows a warm-up fan-out of 20 <c>sleep 0</c> (JIT compilation, the library's
    /// standing threads), so the difference shows what a library keeps and the peak what it adds.
    /// </summary>
    public static async Task<string> FanOutAsync(IPeer peer, int count)
    {
        long idle = Status("Threads");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => peer.StartSleep("0")));
        long warm = Status("Threads");
        var clock = Stopwatch.StartNew();
        var sleeps = new Task[count];
        for (int i = 0; i < count; i++)
        {
            sleeps[i] = peer.StartSleep("1");
        }
        Task all = Task.WhenAll(sleeps);
        long peak = idle;
        while (!all.IsCompleted)
        {
            peak = Math.Max(peak, Status("Threads"));
            Thread.Sleep(5);
        }
        await all;
        double wall = clock.Elapsed.TotalSeconds;
        return Line($"{wall:F3} {idle} {warm} {peak} {Status("VmHWM")}");
    }

    public static async Task<string> BigCaptureAsync(IPeer peer, long bytes)
    {
        Expect("1024", (await peer.CaptureZerosAsync(1024)).Length.ToString(CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        byte[] captured = await peer.CaptureZerosAsync(bytes);
        double wall = clock.Elapsed.TotalSeconds;
        Expect(bytes.ToString(CultureInfo.InvariantCulture), captured.Length.ToString(CultureInfo.InvariantCulture));
        return Line($"{captured.Length} {wall:F3} {Status("VmHWM")}");
    }

    public static async Task<string> LinesAsync(IPeer peer, long lines)
    {
        Expect("1000", (await peer.CountLinesAsync(1000)).ToString(CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        long counted = await peer.CountLinesAsync(lines);
        double wall = clock.Elapsed.TotalSeconds;
        Expect(lines.ToString(CultureInfo.InvariantCulture), counted.ToString(CultureInfo.InvariantCulture));
        return Line($"{counted} {wall:F3}");
    }

    public static void Expect(string expected, string actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"expected {expected.Trim()}, got {actual.Trim()}");
        }
    }

    /// <summary>A number field of /proc/self/status (VmHWM in KiB, Threads).</summary>
    private static long Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static string Line(FormattableString numbers) => numbers.ToString(CultureInfo.InvariantCulture);
}

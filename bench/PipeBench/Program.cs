using System.Diagnostics;
using System.Globalization;

// Usage: PipeBench LIBRARY BYTES — runs `head -c BYTES /dev/zero | wc -c` once with LIBRARY
// (subprocess, cliwrap, medallion, process) and prints one line:
//   <wc output> <wall seconds> <parent CPU seconds> <parent peak RSS KiB>
// Wall time covers the pipeline only, not the runtime's start-up.
if (args.Length != 2 || !long.TryParse(args[1], out long bytes))
{
    Console.Error.WriteLine("usage: PipeBench subprocess|cliwrap|medallion|process BYTES");
    return 2;
}
Func<long, Task<string>> run = args[0] switch
{
    "subprocess" => Pipelines.SubprocessAsync,
    "cliwrap" => Pipelines.CliWrapAsync,
    "medallion" => Pipelines.MedallionAsync,
    "process" => Pipelines.ProcessAsync,
    _ => throw new ArgumentException($"unknown library {args[0]}"),
};
// Warm-up: compile the code paths once, as an interpreter's start-up would have.
await run(1);
TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
string counted = (await run(bytes)).Trim();
double wall = clock.Elapsed.TotalSeconds;
double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
string peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{counted} {wall:F3} {cpu:F3} {peak}"));
return counted == bytes.ToString(CultureInfo.InvariantCulture) ? 0 : 1;

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AllocBench;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Usage: AllocBench --out FILE [--quick] — BenchmarkDotNet, in process, with the memory diagnoser:
// bytes allocated and median time per spawn + wait of /bin/true, per library; writes FILE as
// {"rows":[{"name":...,"bytes_per_op":...,"median_us":...}, ...]} and exits 1 if a row lacks a number.
string? output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
bool quick = args.Contains("--quick");
if (output is null)
{
    Console.Error.WriteLine("usage: AllocBench --out FILE [--quick]");
    return 2;
}

// Invocations are fixed (no pilot stage) so the run time is predictable: a spawn + wait of
// /bin/true is about a millisecond, so an iteration of 256 is a few hundred milliseconds.
Job job = quick
    ? Job.Default.WithId("Quick").WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
        .WithInvocationCount(16).WithUnrollFactor(1)
    : Job.Default.WithId("Alloc").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10)
        .WithInvocationCount(256).WithUnrollFactor(1);

// Artifacts (logs, exported reports) go to a temp directory, never into the repository.
string artifacts = Path.Combine(Path.GetTempPath(), "AllocBench-artifacts");
IConfig config = ManualConfig.CreateEmpty()
    .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddLogger(ConsoleLogger.Default)
    .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
    .WithArtifactsPath(artifacts);

var summary = BenchmarkRunner.Run<SpawnAllocations>(config);

var rows = new JsonArray();
bool complete = true;
foreach (var (method, name) in SpawnAllocations.Rows)
{
    var report = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
    long? bytes = report?.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
    double? medianNs = report?.ResultStatistics?.Median;
    if (bytes is null || medianNs is null || double.IsNaN(medianNs.Value))
    {
        complete = false;
        Console.Error.WriteLine($"AllocBench: no {(bytes is null ? "allocation" : "timing")} number for {name}");
    }
    rows.Add(new JsonObject
    {
        ["name"] = name,
        ["bytes_per_op"] = bytes,
        ["median_us"] = medianNs is double ns && !double.IsNaN(ns) ? Math.Round(ns / 1000, 1) : null,
    });
}
string json = new JsonObject { ["rows"] = rows }.ToJsonString(new JsonSerializerOptions
{
    WriteIndented = true,
    Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "+" as itself, not \u002B
});
File.WriteAllText(output, json + "\n");
Console.WriteLine(json);
return complete ? 0 : 1;

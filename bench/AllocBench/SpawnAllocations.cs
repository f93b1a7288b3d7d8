using BenchmarkDotNet.Attributes;

namespace AllocBench;

/// <summary>One spawn + wait of /bin/true per operation, per library, each exactly as bench/Peers does
/// it (the same peer classes, compiled in), so the two benchmarks measure the same calls.</summary>
public class SpawnAllocations
{
    /// <summary>Benchmark method and row name, in the order the rows are written.</summary>
    public static readonly (string Method, string Name)[] Rows =
    [
        (nameof(SubprocessRun), "Subprocess Command.Run()"),
        (nameof(ProcessStart), "Process.Start + WaitForExit"),
        (nameof(CliWrapExecute), "CliWrap ExecuteAsync()"),
        (nameof(MedallionShellRun), "MedallionShell Command.Run().Wait()"),
    ];

    private readonly SubprocessPeer _subprocess = new();
    private readonly ProcessPeer _process = new();
    private readonly CliWrapPeer _cliWrap = new();
    private readonly MedallionPeer _medallion = new();

    [Benchmark(Description = "Subprocess Command.Run()")]
    public void SubprocessRun() => _subprocess.TrueAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "Process.Start + WaitForExit")]
    public void ProcessStart() => _process.TrueAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "CliWrap ExecuteAsync()")]
    public void CliWrapExecute() => _cliWrap.TrueAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "MedallionShell Command.Run().Wait()")]
    public void MedallionShellRun() => _medallion.TrueAsync().GetAwaiter().GetResult();
}

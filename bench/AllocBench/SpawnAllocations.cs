using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CliWrap;

namespace AllocBench;

/// <summary>One spawn + wait of /bin/true per operation, per library.</summary>
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

    [Benchmark(Description = "Subprocess Command.Run()")]
    public void SubprocessRun() => Subprocess.Command.Create("/bin/true").Run();

    [Benchmark(Description = "Process.Start + WaitForExit")]
    public void ProcessStart()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
    }

    [Benchmark(Description = "CliWrap ExecuteAsync()")]
    public void CliWrapExecute() => Cli.Wrap("/bin/true").ExecuteAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "MedallionShell Command.Run().Wait()")]
    public void MedallionShellRun()
    {
        using var command = Medallion.Shell.Command.Run("/bin/true");
        command.Wait();
    }
}

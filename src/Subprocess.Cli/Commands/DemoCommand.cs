using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using System.Diagnostics;
using Subprocess.Cli.Demo;

namespace Subprocess.Cli.Commands;

/// <summary><c>subproc demo</c>: the seed's scenarios, live, each with a line of explanation and its time.</summary>
internal static class DemoCommand
{
    private sealed record Scenario(string Name, string Python, Func<Task<string>> Run);

    private static readonly Scenario[] All =
    [
        new("echo", "Popen(['echo', ...], stdout=PIPE).communicate()", Scenarios.EchoAndCommunicate),
        new("poll", "while p.poll() is None: ... (sleep 0.3)", Scenarios.PollLoop),
        new("parallel", "ten `sleep 0.1` started first, waited after", Scenarios.TenSleepsInParallel),
        new("openssl", "openssl enc -des3 -pass env:password, a raw-byte password, through stdin", Scenarios.OpensslThroughStdin),
        new("chains", "three `openssl | md5sum` pipelines in parallel", Scenarios.OpensslMd5Chains),
        new("timeout", "communicate(timeout=0.1) on `sleep 10`, terminate(), returncode -15", Scenarios.TimeoutThenTerminate),
    ];

    private static readonly Argument<string[]> Names = new("scenario")
    {
        Description = $"Scenarios to run (default: all): {string.Join(", ", All.Select(s => s.Name))}",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static CliCommand Build()
    {
        var command = new CliCommand("demo", "Walk through the seed's scenarios live; exits 0 only if every one behaved");
        command.Arguments.Add(Names);
        command.SetAction((result, _) => Usage.Guard(() => RunAsync(result.GetValue(Names) ?? [])));
        return command;
    }

    private static async Task<int> RunAsync(string[] names)
    {
        Scenario[] chosen = names.Length == 0 ? All : [.. All.Where(s => names.Contains(s.Name))];
        string[] unknown = [.. names.Where(n => All.All(s => s.Name != n))];
        if (unknown.Length > 0)
        {
            throw new UsageException($"no scenario {string.Join(", ", unknown)}; choose from {string.Join(", ", All.Select(s => s.Name))}");
        }
        int failures = 0;
        foreach (Scenario scenario in chosen)
        {
            Console.WriteLine($"== {scenario.Name}: {scenario.Python}");
            var clock = Stopwatch.StartNew();
            try
            {
                string outcome = await scenario.Run();
                Console.WriteLine($"   ok   {outcome} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
            }
            catch (Exception e) when (e is SubprocessException or InvalidOperationException or IOException)
            {
                failures++;
                Console.WriteLine($"   FAIL {e.GetType().Name}: {e.Message} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
            }
        }
        Console.WriteLine(failures == 0 ? $"all {chosen.Length} scenarios behaved" : $"{failures} of {chosen.Length} scenarios failed");
        return failures == 0 ? 0 : 1;
    }
}

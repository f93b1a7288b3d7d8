using System.Diagnostics;
using Subprocess.Samples;

// Runs the seed's scenarios, each with a line of explanation, its result and its time.
// Exits 0 only if every scenario behaved. An argument picks scenarios by name.
Scenario[] all =
[
    new("echo", "Popen(['echo', ...], stdout=PIPE).communicate()", Scenarios.EchoAndCommunicate),
    new("poll", "while p.poll() is None: ... (sleep 0.3)", Scenarios.PollLoop),
    new("parallel", "ten `sleep 0.1` started first, waited after", Scenarios.TenSleepsInParallel),
    new("openssl", "openssl enc -des3 -pass env:password, a raw-byte password, through stdin", Scenarios.OpensslThroughStdin),
    new("chains", "three `openssl | md5sum` pipelines in parallel", Scenarios.OpensslMd5Chains),
    new("timeout", "communicate(timeout=0.1) on `sleep 10`, terminate(), returncode -15", Scenarios.TimeoutThenTerminate),
];

var chosen = args.Length == 0 ? all : all.Where(s => args.Contains(s.Name)).ToArray();
if (chosen.Length == 0)
{
    Console.Error.WriteLine($"unknown scenario; choose from: {string.Join(", ", all.Select(s => s.Name))}");
    return 2;
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
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"   FAIL {e.GetType().Name}: {e.Message} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
    }
}
Console.WriteLine(failures == 0 ? $"all {chosen.Length} scenarios behaved" : $"{failures} of {chosen.Length} scenarios failed");
return failures == 0 ? 0 : 1;

internal sealed record Scenario(string Name, string Python, Func<Task<string>> Run);

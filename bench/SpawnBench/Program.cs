using System.Diagnostics;
using System.Globalization;

// Usage: SpawnBench [COUNT] [ROUNDS] — COUNT sequential spawn + wait of /bin/true per library per
// round, rounds interleaved so drift hits both alike; prints the median per-spawn time and the ratio.
int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

var rows = new (string Name, Action Spawn)[]
{
    ("Subprocess Command.Run()", () => Subprocess.Command.Create("/bin/true").Run()),
    ("Subprocess Start() + Wait()", () =>
    {
        using var child = Subprocess.Command.Create("/bin/true").Start();
        child.Wait();
    }),
    ("Process.Start + WaitForExit", () =>
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
    }),
};

foreach (var (_, spawn) in rows)
{
    for (int i = 0; i < 100; i++)
    {
        spawn(); // warm-up: JIT, the event loop thread, the runtime's SIGCHLD handling
    }
}

var perSpawn = rows.ToDictionary(r => r.Name, _ => new List<double>());
for (int round = 0; round < rounds; round++)
{
    foreach (var (name, spawn) in rows)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            spawn();
        }
        perSpawn[name].Add(clock.Elapsed.TotalMilliseconds / count);
    }
}

double reference = Median(perSpawn["Process.Start + WaitForExit"]);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} sequential spawn + wait of /bin/true, median of {rounds} interleaved rounds"));
Console.WriteLine("| library | ms per spawn | vs Process |");
Console.WriteLine("| --- | ---: | ---: |");
foreach (var (name, samples) in perSpawn)
{
    double median = Median(samples);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F3} | {median / reference:F2}x |"));
}
return 0;

static double Median(List<double> samples)
{
    var sorted = samples.Order().ToList();
    return sorted[sorted.Count / 2];
}

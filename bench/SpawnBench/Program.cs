using System.Diagnostics;
using System.Globalization;

// Usage: SpawnBench [COUNT] [ROUNDS] [--write BENCHMARKS.md] — COUNT sequential spawn + wait of
// /bin/true per library per round, rounds interleaved so drift hits both alike; prints the median
// per-spawn time and the ratio, and with --write replaces the spawn section of that file.
string? write = args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault();
string[] numbers = [.. args.TakeWhile(a => a != "--write")];
int count = numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 2000;
int rounds = numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 5;

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
var table = new List<string> { "| library | ms per spawn | vs Process |", "| --- | ---: | ---: |" };
foreach (var (name, samples) in perSpawn)
{
    double median = Median(samples);
    table.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F3} | {median / reference:F2}x |"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} sequential spawn + wait of /bin/true, median of {rounds} interleaved rounds"));
table.ForEach(Console.WriteLine);
if (write is not null)
{
    string section = string.Join("\n", [
        "<!-- spawn:start -->",
        string.Create(CultureInfo.InvariantCulture, $"## Spawn + wait: {count} sequential `/bin/true`"),
        "",
        string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}. Median of {rounds} interleaved rounds after 100 warm-up spawns each. Reproduce: `dotnet run -c Release --project bench/SpawnBench -- {count} {rounds} --write BENCHMARKS.md`."),
        "",
        .. table,
        "",
        "Most of a spawn is the kernel's (vfork, exec, exit, the child's dynamic loading); Subprocess adds a pidfd and its argv/envp, and waits on the pidfd in the waiting thread.",
        "<!-- spawn:end -->",
    ]);
    string text = File.Exists(write) ? File.ReadAllText(write) : "# Benchmarks\n";
    text = System.Text.RegularExpressions.Regex.IsMatch(text, "<!-- spawn:start -->")
        ? System.Text.RegularExpressions.Regex.Replace(text, "<!-- spawn:start -->.*<!-- spawn:end -->", _ => section, System.Text.RegularExpressions.RegexOptions.Singleline)
        : text.TrimEnd() + "\n\n" + section + "\n";
    File.WriteAllText(write, text);
}
return 0;

static double Median(List<double> samples)
{
    var sorted = samples.Order().ToList();
    return sorted[sorted.Count / 2];
}

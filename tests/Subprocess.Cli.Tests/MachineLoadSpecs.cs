using Subprocess.Cli.Commands;

namespace Subprocess.Cli.Tests;

/// <summary><c>--load</c> and <c>--memfree</c>: a start waits while the machine is too busy for another job.</summary>
public class MachineLoadSpecs : Spec
{
    [Theory(Timeout = 60_000)]
    [InlineData("--memfree", "1000P", false)] // more memory than any machine has: nothing starts
    [InlineData("--memfree", "1k", true)]
    [InlineData("--load", "2", false)]        // three busy loops run: more than 2 processes
    [InlineData("--load", "1000", true)]
    public async Task A_start_waits_while_the_machine_is_too_busy(string option, string limit, bool starts)
    {
        string dir = Directory.CreateTempSubdirectory("subproc-load-").FullName;
        var busy = Enumerable.Range(0, 3).Select(_ => Command.Shell("while :; do :; done").Start()).ToList();
        try
        {
            string file = Path.Combine(dir, "started");
            // Held back, it is stopped after 2 s; let through, it has all the time a busy machine needs to start.
            Command subproc = Subproc.Plain("parallel", option, limit, "touch", "{}", ":::", file).WithStdin(Stdio.Null)
                .WithTimeout(TimeSpan.FromSeconds(starts ? 60 : 2));

            if (starts)
            {
                await subproc.CaptureAsync();
                Assert.True(File.Exists(file));
            }
            else
            {
                await Assert.ThrowsAsync<ProcessTimeoutException>(() => subproc.CaptureAsync());
                Assert.False(File.Exists(file), "a job started while the machine was too busy");
            }
        }
        finally
        {
            busy.ForEach(child => child.Dispose());
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_machine_is_read_from_proc()
    {
        long total = File.ReadLines("/proc/meminfo").Where(line => line.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024).Single();
        Assert.InRange(MachineLoad.FreeBytes(), 1, total);
        Assert.True(MachineLoad.RunningProcesses() >= 0);
    }

    [Theory]
    [InlineData("--load", "x")]
    [InlineData("--load", "-100")]
    [InlineData("--memfree", "1Q")]
    [InlineData("--memfree", "0")]
    public async Task Bad_limits_are_refused_in_one_line(string option, string limit)
    {
        CapturedResult result = await Subproc.RunAsync("parallel", option, limit, "true", ":::", "a");
        Assert.Equal(2, result.ExitStatus.ReturnCode);
        Assert.StartsWith($"subproc: {option} {limit} is not", result.StderrText);
        Assert.Single(result.StderrText.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("1K", 1024)]
    [InlineData("1k", 1000)]
    [InlineData("10m", 10_000_000)]
    [InlineData("1.5M", 1_572_864)]
    [InlineData("2T", 2_199_023_255_552)]
    [InlineData("1p", 1e15)]
    public void Sizes_are_GNU_parallels_units(string text, double bytes) => Assert.Equal(bytes, Sizes.Bytes(text, "--memfree"));
}

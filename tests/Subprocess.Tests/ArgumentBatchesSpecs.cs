namespace Subprocess.Tests;

/// <summary>Several inputs a job: batches that fit on a command line, as xargs and GNU parallel -m/-X make them.</summary>
public class ArgumentBatchesSpecs : Spec
{
    [Fact]
    public void Batches_fill_the_command_line_in_order()
    {
        string[] arguments = [.. Enumerable.Range(0, 10).Select(i => $"argument{i}")]; // 9 bytes and a NUL each

        var batches = ArgumentBatches.ByCommandLineLength(arguments, maxBytes: 30).ToList();

        Assert.Equal([3, 3, 3, 1], batches.Select(batch => batch.Count));
        Assert.Equal(arguments, batches.SelectMany(batch => batch));
    }

    [Fact]
    public void Spread_over_jobs_every_job_gets_some_when_they_would_not_fill_the_lines()
    {
        string[] arguments = [.. Enumerable.Range(0, 10).Select(i => $"{i}")];

        Assert.Equal([3, 3, 3, 1], ArgumentBatches.ByCommandLineLength(arguments, spreadOver: 4).Select(batch => batch.Count));
        Assert.Equal([10], ArgumentBatches.ByCommandLineLength(arguments).Select(batch => batch.Count));
    }

    [Fact]
    public void Bytes_are_counted_in_UTF_8_and_a_long_argument_is_a_batch_of_its_own()
    {
        // "éé" is 4 bytes and a NUL: two fit in 10, a third does not.
        Assert.Equal([2, 1], ArgumentBatches.ByCommandLineLength(["éé", "éé", "éé"], maxBytes: 10).Select(batch => batch.Count));
        Assert.Equal([1, 1, 1], ArgumentBatches.ByCommandLineLength(["a", new string('x', 50), "b"], maxBytes: 10).Select(batch => batch.Count));
    }

    [Fact]
    public void Bad_limits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ArgumentBatches.ByCommandLineLength(["a"], maxBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArgumentBatches.ByCommandLineLength(["a"], spreadOver: -1));
        Assert.Throws<ArgumentNullException>(() => ArgumentBatches.ByCommandLineLength(null!));
    }

    [Fact(Timeout = 60_000)]
    public async Task Batches_run_as_jobs_give_each_argument_to_one_program_call()
    {
        string[] arguments = [.. Enumerable.Range(1, 50_000).Select(i => $"{i}")];
        var seen = new List<string>();
        int calls = 0;

        await foreach (JobResult job in JobRunner.RunAsync(ArgumentBatches.ByCommandLineLength(arguments, spreadOver: 2),
            (batch, _) => Pipeline.Create(Command.Create("echo", batch)), new JobOptions { MaxParallel = 2, KeepOrder = true }))
        {
            using (job)
            using (var stdout = new StreamReader(job.OpenStdout()))
            {
                calls++;
                seen.AddRange((await stdout.ReadToEndAsync()).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
            }
        }

        Assert.Equal(arguments, seen);
        Assert.InRange(calls, 2, 10); // 289 KB of arguments: a few full command lines, not 50,000 calls
    }
}

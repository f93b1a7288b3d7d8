using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Output as it arrives: <c>ReadLinesAsync</c> and <c>Stdio.Lines</c>.</summary>
public class LineStreamSpecs : Spec
{
    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Lines_of_stdout_and_stderr_come_in_the_order_they_arrive(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // The child writes each line only once the spec has read the one before (it waits for a file
        // named after it), so the order across the two streams is fixed by the reads, not by timing.
        string dir = Directory.CreateTempSubdirectory("subproc-order-").FullName;
        string script = "await() { while [ ! -e \"$1\" ]; do sleep 0.01; done; }; " +
            "echo a; await a; echo b >&2; await b; echo c; await c; printf 'last without newline'";
        var lines = new List<OutputLine>();
        try
        {
            await foreach (OutputLine line in Command.Shell(script).WithWorkingDirectory(dir).ReadLinesAsync())
            {
                lines.Add(line);
                File.WriteAllText(Path.Combine(dir, line.Text), "");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Assert.Equal(
            [new("a", OutputStream.Stdout), new("b", OutputStream.Stderr), new("c", OutputStream.Stdout), new("last without newline", OutputStream.Stdout)],
            lines);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task The_first_line_arrives_while_the_child_runs_and_leaving_early_ends_its_tree(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string marker = $"subproc-lines-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        await foreach (OutputLine line in Command.Shell("echo first; sleep 30 & wait").Marked(marker).ReadLinesAsync())
        {
            Assert.Equal("first", line.Text);
            Assert.True(ProcessTree.AnyRunning(marker), "the child had already ended: the line did not come live");
            break;
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: the loop waited for the child");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), "a child outlived the loop that left early");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_million_lines_are_counted_exactly()
    {
        long count = 0;
        string? last = null;
        await foreach (OutputLine line in Command.Create("seq", "1000000").ReadLinesAsync())
        {
            count++;
            last = line.Text;
        }

        Assert.Equal(1_000_000, count);
        Assert.Equal("1000000", last);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_failure_is_thrown_after_the_last_line_with_the_tail_of_stderr(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Command failing = Command.Shell("echo out; echo 'it broke' >&2; exit 3");
        var lines = new List<string>();

        var error = await Assert.ThrowsAsync<ProcessFailedException>(async () =>
        {
            await foreach (OutputLine line in failing.ReadLinesAsync())
            {
                lines.Add(line.Text);
            }
        });

        Assert.Equal(["it broke", "out"], lines.Order()); // two pipes: which comes first is the scheduler's
        Assert.Equal(3, error.ExitStatus.Code);
        Assert.Equal("it broke\n", error.StderrText);
        Assert.Equal(2, await failing.WithCheck(false).ReadLinesAsync().CountAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task The_timeout_applies_as_in_Run_after_the_lines_so_far()
    {
        var lines = new List<string>();
        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(async () =>
        {
            await foreach (OutputLine line in Command.Shell("echo x; exec sleep 30").WithTimeout(TimeSpan.FromSeconds(0.5)).ReadLinesAsync())
            {
                lines.Add(line.Text);
            }
        });

        Assert.Equal(["x"], lines);
        Assert.NotNull(error.ExitStatus?.Signal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_ends_the_loop_and_the_child()
    {
        string marker = $"subproc-lines-cancel-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (OutputLine line in Command.Shell("echo go; exec sleep 30").Marked(marker).ReadLinesAsync(cancel.Token))
            {
                cancel.Cancel();
            }
        });

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), "the child outlived the cancelled loop");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_pipeline_yields_its_last_stages_lines()
    {
        var lines = new List<string>();
        await foreach (OutputLine line in (Command.Create("seq", "3") | Command.Create("sed", "s/^/n/")).ReadLinesAsync())
        {
            lines.Add(line.Text);
        }

        Assert.Equal(["n1", "n2", "n3"], lines);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Stdio_Lines_hands_each_line_to_a_callback_under_Run(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        var stdout = new List<string>();
        var stderr = new List<string>();

        await Command.Shell("printf 'a\\nb\\n'; echo e >&2; printf tail")
            .WithStdout(Stdio.Lines(line => { lock (stdout) { stdout.Add(line); } }))
            .WithStderr(Stdio.Lines(line => { lock (stderr) { stderr.Add(line); } }))
            .RunAsync();

        Assert.Equal(["a", "b", "tail"], stdout); // all handed over before Run returns
        Assert.Equal(["e"], stderr);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_started_childs_piped_output_is_read_as_lines_and_the_child_is_left_to_its_owner(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await using ChildProcess child = Command.Shell("echo ready; echo warn >&2; exec sleep 30")
            .WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        var seen = new List<OutputLine>();
        await foreach (OutputLine line in child.ReadLinesAsync())
        {
            seen.Add(line);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([new("ready", OutputStream.Stdout), new("warn", OutputStream.Stderr)], seen.OrderBy(line => line.Stream));
        Assert.Null(child.Poll()); // still running: the caller's to end
        Assert.Throws<InvalidOperationException>(() => child.Communicate());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await child.ReadLinesAsync().CountAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task A_started_childs_lines_end_when_it_has_exited()
    {
        await using ChildProcess child = Command.Create("seq", "3").WithStdout(Stdio.Pipe).Start();
        Assert.Equal(["1", "2", "3"], await child.ReadLinesAsync().Select(line => line.Text).ToListAsync());
        Assert.Equal(0, child.Poll()?.Code);
        await using ChildProcess unpiped = Command.Create("true").Start();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await unpiped.ReadLinesAsync().CountAsync());
        Assert.Contains("WithStdout(Stdio.Pipe)", error.Message);
    }

    [NativeFact("makes no process groups, and orphaned grandchildren are out of its reach", Timeout = 30_000)]
    public async Task Leaving_early_ends_what_the_child_left_running_after_it_exited()
    {
        // sh exits at once; the sleep it left in the background holds the pipe (and so the lines) open.
        string marker = $"subproc-lines-left-{Guid.NewGuid():N}";
        await foreach (OutputLine line in Command.Shell("echo first; sleep 30 &").Marked(marker).ReadLinesAsync())
        {
            Assert.True(ProcessTree.AnyRunning(marker));
            break;
        }

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)), "the background sleep outlived the loop");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancellation_ends_the_loop_at_once_not_after_the_lines_queued()
    {
        using var cancel = new CancellationTokenSource();
        int read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (OutputLine line in Command.Create("seq", "1000000").ReadLinesAsync(cancel.Token))
            {
                if (++read == 10)
                {
                    cancel.Cancel();
                }
            }
        });

        Assert.Equal(10, read);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_pipeline_stage_carries_its_own_stderr()
    {
        Pipeline pipeline = Command.Shell("echo noise >&2") | Command.Shell("echo bad >&2; exit 1");
        var error = await Assert.ThrowsAsync<ProcessFailedException>(async () => await pipeline.ReadLinesAsync().CountAsync());
        Assert.Equal("bad\n", error.StderrText);
    }

    [Fact]
    public void A_piped_stdin_is_refused_since_nothing_would_feed_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Command.Create("cat").WithStdin(Stdio.Pipe).ReadLinesAsync().GetAsyncEnumerator());
        Assert.Contains("has its stdin piped", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("printf '\\n\\nx\\n'", new[] { "", "", "x" })]                   // empty lines are lines
    [InlineData("printf 'a\\r\\nb\\r\\n'", new[] { "a\r", "b\r" })]           // a \r stays, as written
    [InlineData("printf 'caf\\303\\251 \\377\\n'", new[] { "café \uFFFD" })]   // UTF-8 decoded; a stray byte is U+FFFD
    [InlineData("printf 'caf\\303'; sleep 0.2; printf '\\251\\n'", new[] { "café" })]   // a character cut between two reads
    [InlineData("printf 'x\\nend\\303'", new[] { "x", "end\uFFFD" })]     // ...or cut short by the end
    public async Task Lines_are_split_on_newlines_only_and_decoded_as_UTF8(string script, string[] expected)
    {
        Assert.Equal(expected, await Command.Shell(script).ReadLinesAsync().Select(line => line.Text).ToListAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Lines_longer_than_any_read_come_whole()
    {
        // 300,000 bytes with no newline span many reads and grow the sink's buffer; the lines around them stay whole.
        string script = "echo first; head -c 300000 /dev/zero | tr '\\0' a; echo; echo last";
        List<string> lines = await Command.Shell(script).ReadLinesAsync().Select(line => line.Text).ToListAsync();

        Assert.Equal(3, lines.Count);
        Assert.Equal("first", lines[0]);
        Assert.Equal(new string('a', 300_000), lines[1]);
        Assert.Equal("last", lines[2]);
    }

    [Fact]
    public void Stdio_Lines_takes_output_only()
    {
        var error = Assert.Throws<ArgumentException>(() => Command.Create("cat").WithStdin(Stdio.Lines(_ => { })));
        Assert.Contains("output", error.Message);
    }
}

using System.Text;
using Subprocess.Cli.Output;

namespace Subprocess.Cli.Tests;

/// <summary>
/// --line-buffer: whole lines as they come, written by a thread of their own, so a stdout that blocks
/// (a paused pager, a full pipe) holds no job and nothing is lost.
/// </summary>
public class LineBufferSpecs : Spec
{
    /// <summary>A directory of this spec's own: the spill file's, or the jobs' marker files.</summary>
    private readonly string _dir = Directory.CreateTempSubdirectory("subproc-lines-").FullName;

    /// <summary>What the held streams wrote, in order, as "name:text".</summary>
    private readonly List<string> _written = [];

    /// <summary>Until it completes, a write to a held stream waits, as one to a full pipe or a paused terminal does.</summary>
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact(Timeout = 120_000)]
    public async Task Under_keep_order_the_first_jobs_lines_come_as_they_come_and_a_later_jobs_wait_for_it()
    {
        var seen = new List<(string Line, TimeSpan At)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await foreach (OutputLine line in Subproc.Plain("parallel", "-k", "--line-buffer", "--shell", "echo start{}; sleep {}; echo end{}", ":::", "3", "0.1")
            .WithStdin(Stdio.Null).ReadLinesAsync())
        {
            if (line.Stream == OutputStream.Stdout)
            {
                seen.Add((line.Text, clock.Elapsed));
            }
        }

        Assert.Equal(["start3", "end3", "start0.1", "end0.1"], seen.Select(s => s.Line));
        // The first job's first line arrived while it slept, not when it ended.
        Assert.True(seen[0].At < seen[1].At - TimeSpan.FromSeconds(1.5), $"start3 at {seen[0].At}, end3 at {seen[1].At}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Under_keep_order_a_later_jobs_lines_past_the_memory_bound_wait_in_a_file_and_all_come_out_in_order()
    {
        // The second job writes 2.6 MB while the first sleeps: held past 1 MiB, they go to a file.
        CapturedResult result = await Subproc.RunAsync("parallel", "-k", "--line-buffer", ":::", "sleep 1; echo first", "seq 400000");

        Assert.Equal(0, result.ExitStatus.Code);
        string expected = "first\n" + string.Concat(Enumerable.Range(1, 400_000).Select(i => $"{i}\n"));
        Assert.Equal(expected, result.StdoutText);
    }

    [Fact(Timeout = 120_000)]
    public async Task Jobs_run_to_their_end_while_nobody_reads_stdout_and_every_line_arrives_after()
    {
        string log = Path.Combine(_dir, "jobs.log");
        // The first job writes about 2 MB, far more than the unread stdout pipe holds (64 KiB).
        await using ChildProcess subproc = Subproc.Plain("parallel", "-j", "2", "--line-buffer", "--tag", "--joblog", log,
                "seq 1 {}", ":::", "300000", "1", "2", "3")
            .WithStdin(Stdio.Null).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        Task<string> errors = new StreamReader(subproc.Stderr).ReadToEndAsync();

        // Each line of the log is a job whose end subproc noticed and reported: with the writes to
        // stdout on its event loop, a full stdout stopped that loop and no job ended after it.
        Assert.True(await ProcessTree.Within(() => JobsLogged(log) == 4, TimeSpan.FromSeconds(20)),
            $"{JobsLogged(log)} of 4 jobs ended while stdout was not read");

        string output = await new StreamReader(subproc.Stdout).ReadToEndAsync();
        Assert.Equal(0, (await subproc.WaitAsync()).Code);
        Assert.Equal("", await errors); // as GNU parallel, nothing on stderr when all went well
        AssertEverySeqLineInOrder(output, ("300000", 300_000), ("1", 1), ("2", 2), ("3", 3));
    }

    [Fact(Timeout = 120_000)]
    public async Task Every_line_queued_for_a_stdout_that_blocks_is_written_after_a_Ctrl_C()
    {
        string marker = $"subproc-lines-int-{Guid.NewGuid():N}";
        // Each job writes about 600 KB, then says it is done with a file and waits to be interrupted.
        await using ChildProcess subproc = Subproc.Interruptible("parallel", "-j", "2", "--line-buffer", "--tag", "--shell",
                $"seq 1 100000; touch {_dir}/{{}}; sleep 30", ":::", "a", "b")
            .Marked(marker).WithStdin(Stdio.Null).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        Task<string> errors = new StreamReader(subproc.Stderr).ReadToEndAsync();
        Assert.True(await ProcessTree.Within(() => File.Exists($"{_dir}/a") && File.Exists($"{_dir}/b"), TimeSpan.FromSeconds(20)),
            "the jobs could not write their lines while stdout was not read");

        subproc.Signal(2);
        string output = await new StreamReader(subproc.Stdout).ReadToEndAsync();

        Assert.Equal(255, (await subproc.WaitAsync()).Code);
        Assert.Equal("", await errors);
        AssertEverySeqLineInOrder(output, ("a", 100_000), ("b", 100_000));
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stdout_that_blocks_holds_neither_the_event_loop_nor_the_jobs_writing_to_it()
    {
        using HeldStream stdout = Held("out");
        var writer = new LineWriter([stdout], _dir);
        try
        {
            // Two jobs whose lines share one stdout, pumped by the library's event loop (RunAsync).
            Task<ProcessResult>[] jobs = [.. ((string[])["a", "b"]).Select(tag => Command.Create("seq", "1", "200000")
                .WithStdout(Stdio.Stream(new LineStream(writer, stdout, Encoding.UTF8.GetBytes(tag + "\t")))).RunAsync())];
            Assert.True(stdout.Entered.Wait(TimeSpan.FromSeconds(10)), "no line reached stdout");

            // A capture that shares nothing with them but the event loop: it ran on a loop that was
            // stuck inside the first write to stdout.
            CapturedResult unrelated = await Command.Create("echo", "free").CaptureAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("free\n", unrelated.StdoutText);
            // The jobs end too: their 2.6 MB of lines wait, past the first MiB in a file.
            await Task.WhenAll(jobs).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Single(Directory.GetFiles(_dir));
        }
        finally
        {
            _release.SetResult();
        }
        await writer.DrainAsync();

        Assert.Empty(Directory.GetFiles(_dir));
        AssertEverySeqLineInOrder(string.Concat(_written.Select(entry => entry["out:".Length..])), ("a", 200_000), ("b", 200_000));
    }

    [Fact(Timeout = 60_000)]
    public async Task Lines_past_the_memory_bound_wait_in_a_file_and_come_out_in_order_each_to_its_stream()
    {
        using HeldStream stdout = Held("out"), stderr = Held("err");
        var writer = new LineWriter([stdout, stderr], _dir, memoryLimit: 64);
        var queued = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            // One line longer than the writer's buffer, read back from the file in several pieces.
            (HeldStream target, string line) = (i % 3 == 0 ? stderr : stdout, i == 50 ? new string('x', 200_000) + "\n" : $"line {i}\n");
            writer.Write(target, Encoding.UTF8.GetBytes(line));
            queued.Add($"{target.Name}:{line}");
        }
        Assert.Single(Directory.GetFiles(_dir));

        _release.SetResult();
        await writer.DrainAsync();

        Assert.Equal(Joined(queued), Joined(_written));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    public override async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _release.TrySetResult();
        Directory.Delete(_dir, recursive: true);
        await base.DisposeAsync();
    }

    private HeldStream Held(string name) => new(name, _written, _release);

    /// <summary>Asserts that <paramref name="output"/> is the lines of `seq 1 N` of each job, behind its
    /// tag (--tag), each job's in order, whatever way they were mixed, and nothing else.</summary>
    private static void AssertEverySeqLineInOrder(string output, params (string Tag, int Count)[] jobs)
    {
        string[] lines = output.Split('\n');
        Assert.Equal("", lines[^1]);
        foreach ((string tag, int count) in jobs)
        {
            Assert.Equal(Enumerable.Range(1, count).Select(n => $"{tag}\t{n}"), lines.Where(line => line.StartsWith(tag + "\t", StringComparison.Ordinal)));
        }
        Assert.Equal(jobs.Sum(job => job.Count) + 1, lines.Length);
    }

    /// <summary>Entries "stream:text" with each run of one stream's entries made one, however the writes were cut.</summary>
    private static List<string> Joined(List<string> entries)
    {
        var joined = new List<string>();
        foreach (string entry in entries)
        {
            string stream = entry[..4];
            if (joined.Count > 0 && joined[^1].StartsWith(stream, StringComparison.Ordinal))
            {
                joined[^1] += entry[4..];
            }
            else
            {
                joined.Add(entry);
            }
        }
        return joined;
    }

    /// <summary>The jobs in <paramref name="log"/> so far (the lines after its header), read as subproc writes it.</summary>
    private static int JobsLogged(string log)
    {
        if (!File.Exists(log))
        {
            return 0;
        }
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
    }

    /// <summary>A stream whose writes wait until <paramref name="release"/> completes, then go into
    /// <paramref name="written"/> as "name:text".</summary>
    private sealed class HeldStream(string name, List<string> written, TaskCompletionSource release) : MemoryStream
    {
        public string Name => name;

        /// <summary>Set once a write has begun (and waits).</summary>
        public ManualResetEventSlim Entered { get; } = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            release.Task.Wait();
            lock (written)
            {
                written.Add($"{name}:{Encoding.UTF8.GetString(buffer, offset, count)}");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Entered.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

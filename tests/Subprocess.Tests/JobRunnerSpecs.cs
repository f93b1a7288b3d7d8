using System.Diagnostics;

namespace Subprocess.Tests;

/// <summary>Many jobs with bounded parallelism: the engine under `subproc parallel`.</summary>
public class JobRunnerSpecs : Spec
{
    private static async Task<List<(JobResult Result, string Stdout, string Stderr)>> RunAll<T>(IEnumerable<T> inputs, Func<T, JobContext, Pipeline> toJob, JobOptions options)
    {
        var results = new List<(JobResult, string, string)>();
        await foreach (JobResult result in JobRunner.RunAsync(inputs, toJob, options))
        {
            using (result)
            using (var stdout = new StreamReader(result.OpenStdout()))
            using (var stderr = new StreamReader(result.OpenStderr()))
            {
                results.Add((result, await stdout.ReadToEndAsync(), await stderr.ReadToEndAsync()));
            }
        }
        return results;
    }

    [Fact(Timeout = 30_000)]
    public async Task Ten_half_second_sleeps_at_ten_wide_finish_together()
    {
        var clock = Stopwatch.StartNew();
        var results = await RunAll(Enumerable.Range(1, 10), (_, _) => Pipeline.Create(Command.Create("sleep", "0.5")), new JobOptions { MaxParallel = 10 });

        Assert.Equal(10, results.Count);
        Assert.All(results, r => Assert.True(r.Result.Success));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact(Timeout = 30_000)]
    public async Task No_more_jobs_run_at_once_than_allowed_and_slots_are_reused()
    {
        var results = await RunAll(Enumerable.Range(1, 12), (i, _) => Pipeline.Create(Command.Create("sleep", "0.05")), new JobOptions { MaxParallel = 3 });

        Assert.All(results, r => Assert.InRange(r.Result.Context.Slot, 1, 3));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), results.Select(r => r.Result.Context.Number).Order());
    }

    [Fact(Timeout = 30_000)]
    public async Task Keep_order_yields_in_input_order_whatever_finishes_first()
    {
        double[] sleeps = [0.3, 0.1, 0.2, 0.0];
        var results = await RunAll(sleeps, (s, c) => Pipeline.Create(Command.Shell($"sleep {s}; echo {c.Number}")), new JobOptions { MaxParallel = 4, KeepOrder = true });

        Assert.Equal(["1\n", "2\n", "3\n", "4\n"], results.Select(r => r.Stdout));
    }

    [Fact(Timeout = 30_000)]
    public async Task Output_is_spooled_per_job_and_failures_are_reported_not_thrown()
    {
        var results = await RunAll(["ok", "fail", "missing"], (what, _) => what switch
        {
            "ok" => Command.Shell("echo out; echo err >&2") | Command.Create("cat"),
            "fail" => Pipeline.Create(Command.Shell("exit 3")),
            _ => Pipeline.Create(Command.Create("no-such-program-xyz")),
        }, new JobOptions { KeepOrder = true });

        Assert.Equal("out\n", results[0].Stdout);
        Assert.Equal("err\n", results[0].Stderr);
        Assert.Equal(ExitStatus.Exited(3), results[1].Result.ExitStatus);
        Assert.IsType<ProcessStartException>(results[2].Result.Error);
        Assert.Equal([true, false, false], results.Select(r => r.Result.Success));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_job_is_retried_until_it_succeeds_or_the_retries_run_out()
    {
        string counter = Path.GetTempFileName();
        try
        {
            // Fails twice, then succeeds: the file counts the attempts.
            string script = $"echo x >> {counter}; [ $(wc -l < {counter}) -ge 3 ]";
            var results = await RunAll([1], (_, _) => Pipeline.Create(Command.Shell(script)), new JobOptions { Retries = 5 });

            Assert.True(results[0].Result.Success);
            Assert.Equal(3, results[0].Result.Attempts);
        }
        finally
        {
            File.Delete(counter);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_job_past_its_timeout_is_ended_and_reported()
    {
        var results = await RunAll([1], (_, _) => Pipeline.Create(Command.Create("sleep", "30")), new JobOptions { Timeout = TimeSpan.FromSeconds(0.3) });

        Assert.IsType<ProcessTimeoutException>(results[0].Result.Error);
        Assert.False(results[0].Result.Success);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_jobs_timeout_start_time_and_duration_run_on_the_clock_it_is_given()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var options = new JobOptions { Timeout = TimeSpan.FromMilliseconds(100), TimeProvider = clock };
        await using var jobs = JobRunner.RunAsync([1], (_, _) => Pipeline.Create(Command.Create("sleep", "30")), options).GetAsyncEnumerator();

        Task<bool> finished = jobs.MoveNextAsync().AsTask();
        Assert.True(await ProcessTree.Within(() => ChildrenStarted == 1, TimeSpan.FromSeconds(10)), "the job did not start");
        // On the system's clock the job would have timed out by now; on this one no time has passed.
        await Task.Delay(500);
        Assert.False(finished.IsCompleted, "the job timed out on the system's clock, not on the one it was given");
        while (!finished.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(finished, Task.Delay(50));
        }

        Assert.True(await finished);
        using JobResult job = jobs.Current;
        Assert.IsType<ProcessTimeoutException>(job.Error);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), job.StartTime);
        Assert.True(job.Duration >= TimeSpan.FromMilliseconds(100), $"{job.Duration}");
        Assert.Equal(0, job.Duration.Ticks % TimeSpan.FromMilliseconds(100).Ticks); // only the clock's own steps
    }

    [Fact(Timeout = 30_000)]
    public async Task A_job_whose_output_stream_refuses_it_ends_the_run_with_that_error_instead_of_hanging()
    {
        var closed = new MemoryStream();
        closed.Dispose();
        var options = new JobOptions { MaxParallel = 1 };

        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (JobResult job in JobRunner.RunAsync([1, 2, 3],
                (_, _) => Pipeline.Create(Command.Create("echo", "hi").WithStdout(Stdio.Stream(closed))), options))
            {
                job.Dispose();
            }
        });

        Assert.Contains("into the given stream failed", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Large_output_spills_to_a_file_that_disposing_the_result_deletes()
    {
        string spool = Directory.CreateTempSubdirectory("subproc-spool-").FullName;
        try
        {
            await foreach (JobResult job in JobRunner.RunAsync([1], (_, _) => Pipeline.Create(Command.Create("head", "-c", "3000000", "/dev/zero")),
                new JobOptions { SpoolDirectory = spool }))
            {
                Assert.Equal(3_000_000, job.StdoutLength);
                Assert.NotEmpty(Directory.GetFiles(spool)); // past 1 MiB the output lives in a file, not in memory
                using (var output = new MemoryStream())
                {
                    using Stream stdout = job.OpenStdout();
                    await stdout.CopyToAsync(output);
                    Assert.Equal(3_000_000, output.Length);
                    Assert.All(output.ToArray(), b => Assert.Equal(0, b));
                }
                job.Dispose();
                Assert.Empty(Directory.GetFiles(spool));
            }
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Halt_soon_stops_starting_jobs_after_the_first_failure()
    {
        var results = await RunAll([0, 1, 0, 0, 0], (code, _) => Pipeline.Create(Command.Shell($"exit {code}")),
            new JobOptions { MaxParallel = 1, Halt = HaltPolicy.Parse("soon,fail=1") });

        Assert.Equal(2, results.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_start_delay_spaces_the_starts_however_many_slots_are_free()
    {
        // Each job is made right after its delay, so the times it is made are spaced however late the thread
        // pool then runs it (a job's own StartTime is not: a slow machine could start one late, the next on time).
        var made = new List<long>();
        var results = await RunAll(Enumerable.Range(1, 3), (_, _) =>
        {
            made.Add(System.Diagnostics.Stopwatch.GetTimestamp());
            return Pipeline.Create(Command.Create("true"));
        }, new JobOptions { MaxParallel = 3, StartDelay = TimeSpan.FromSeconds(0.3) });

        Assert.Equal(3, results.Count);
        Assert.All(made.Zip(made.Skip(1)), pair => Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(pair.First, pair.Second) >= TimeSpan.FromSeconds(0.25),
            $"two jobs made {System.Diagnostics.Stopwatch.GetElapsedTime(pair.First, pair.Second).TotalMilliseconds} ms apart"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RunAll([1], (_, _) => Pipeline.Create(Command.Create("true")),
            new JobOptions { StartDelay = TimeSpan.FromSeconds(-1) }));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_retried_job_reads_its_bytes_stdin_again_from_the_start()
    {
        string log = Path.Combine(Path.GetTempPath(), $"subproc-retry-{Guid.NewGuid():N}");
        try
        {
            var results = await RunAll([1], (_, _) => Pipeline.Create(Command.Shell($"wc -c >> {log}; exit 1").WithStdin(Stdio.Bytes("12345"u8.ToArray()))),
                new JobOptions { Retries = 2 });

            Assert.Equal(3, results.Single().Result.Attempts);
            Assert.Equal(["5", "5", "5"], File.ReadAllLines(log).Select(line => line.Trim()));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Blocks_of_whole_records_reach_the_jobs_every_byte_once_in_order()
    {
        byte[] input = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10_000).Select(i => $"{i}\n")));
        var blocks = new List<int>();
        var output = new MemoryStream();

        await foreach (JobResult job in JobRunner.RunBlocksAsync(new MemoryStream(input), (block, _) => Pipeline.Create(Command.Create("cat").WithStdin(block)),
            new JobOptions { MaxParallel = 3, KeepOrder = true }, new RecordBlocks { BlockSize = 4096 }))
        {
            using (job)
            using (Stream stdout = job.OpenStdout())
            {
                long before = output.Length;
                await stdout.CopyToAsync(output);
                blocks.Add((int)(output.Length - before));
                Assert.Equal((byte)'\n', output.GetBuffer()[output.Length - 1]); // a block ends where a record does
            }
        }

        Assert.Equal(input, output.ToArray());
        Assert.All(blocks.SkipLast(1), size => Assert.InRange(size, 4096 - 6, 4096));
        Assert.Equal((input.Length + 4095) / 4096, blocks.Count, tolerance: 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Blocks_are_read_a_few_ahead_of_the_jobs_not_to_the_end()
    {
        var input = new CountingStream(new MemoryStream(new byte[64 << 20].Select((_, i) => i % 64 == 63 ? (byte)'\n' : (byte)'x').ToArray()));
        using var cancel = new CancellationTokenSource();
        var options = new JobOptions { MaxParallel = 2 };
        int started = 0;
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task run = Task.Run(async () =>
        {
            await foreach (JobResult job in JobRunner.RunBlocksAsync(input, (block, _) =>
            {
                if (Interlocked.Increment(ref started) == 2)
                {
                    bothStarted.TrySetResult();
                }
                return Pipeline.Create(Command.Create("sleep", "30").WithStdin(block));
            }, options, new RecordBlocks { BlockSize = 1 << 20 }, cancel.Token))
            {
                job.Dispose();
            }
        });
        await bothStarted.Task;
        await Task.Delay(500); // time to read on, had the reading no bound

        // Two blocks running, two read ahead (and what the reader holds past the last cut): not 64 MiB.
        Assert.InRange(input.BytesRead, 2 << 20, 7 << 20);
        Assert.Equal(2, Volatile.Read(ref started));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact(Timeout = 60_000)]
    public async Task Leaving_the_enumeration_early_starts_nothing_more_and_ends_the_running_jobs()
    {
        int made = 0;
        var options = new JobOptions { MaxParallel = 2 };
        var clock = Stopwatch.StartNew();

        await foreach (JobResult job in JobRunner.RunAsync(Enumerable.Range(0, 100), (i, _) =>
        {
            Interlocked.Increment(ref made);
            return Pipeline.Create(i == 0 ? Command.Create("true") : Command.Create("sleep", "30"));
        }, options))
        {
            job.Dispose();
            break;
        }

        // Left once the first job ended: the sleeps that had started are ended, not waited for, and no more start.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        int after = Volatile.Read(ref made);
        await Task.Delay(300);
        Assert.Equal(after, Volatile.Read(ref made));
        Assert.InRange(after, 1, 4);
    }

    [Fact]
    public void Blocks_with_a_percentage_halt_are_refused_at_the_call()
    {
        var options = new JobOptions { Halt = HaltPolicy.Parse("soon,fail=10%") };
        Assert.Contains("percentage", Assert.Throws<ArgumentException>(() =>
            JobRunner.RunBlocksAsync(Stream.Null, (block, _) => Pipeline.Create(Command.Create("cat").WithStdin(block)), options)).Message);
    }

    [Fact]
    public void Blocks_that_cannot_be_cut_are_refused()
    {
        static JobResult[] Run(RecordBlocks blocks) =>
            JobRunner.RunBlocksAsync(Stream.Null, (block, _) => Pipeline.Create(Command.Create("cat").WithStdin(block)), new JobOptions(), blocks).ToBlockingEnumerable().ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => Run(new RecordBlocks { BlockSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(new RecordBlocks { BlockSize = (1 << 30) + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(new RecordBlocks { RecordsPerBlock = 0 }));
        Assert.Contains("nothing would end a record", Assert.Throws<ArgumentException>(() => Run(new RecordBlocks { RecordEnd = ReadOnlyMemory<byte>.Empty })).Message);
        Assert.Empty(Run(new RecordBlocks()));
    }

    /// <summary>A stream that counts the bytes read from it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            Interlocked.Add(ref _read, n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact(Timeout = 30_000)]
    public async Task Jobs_of_one_command_need_no_pipeline()
    {
        var outputs = new List<string>();
        await foreach (JobResult job in JobRunner.RunAsync(["a", "b"], (word, _) => Command.Create("echo", word), new JobOptions { KeepOrder = true }))
        {
            using (job)
            using (var stdout = new StreamReader(job.OpenStdout()))
            {
                outputs.Add(await stdout.ReadToEndAsync());
            }
        }

        Assert.Equal(["a\n", "b\n"], outputs);
    }

    [Fact(Timeout = 30_000)]
    public async Task Wait_to_start_holds_each_start_back_until_it_returns()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int asked = 0;
        var options = new JobOptions
        {
            MaxParallel = 4,
            WaitToStart = async cancel =>
            {
                Interlocked.Increment(ref asked);
                waiting.TrySetResult();
                await open.Task.WaitAsync(cancel);
            },
        };
        var made = new List<long>();
        Task<List<(JobResult Result, string Stdout, string Stderr)>> run = RunAll([1, 2, 3], (i, c) =>
        {
            lock (made)
            {
                made.Add(c.Number);
            }
            return Pipeline.Create(Command.Create("echo", $"{i}"));
        }, options);

        await waiting.Task;
        await Task.Delay(100); // a start that did not wait would have come by now
        lock (made)
        {
            Assert.Empty(made); // free slots, yet nothing started: each start waits
        }
        Assert.Equal(1, Volatile.Read(ref asked));
        open.SetResult();

        var results = await run;
        Assert.Equal(3, results.Count);
        Assert.Equal(3, asked);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_a_run_cancels_its_wait_to_start()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var options = new JobOptions { WaitToStart = token => new ValueTask(Task.Delay(Timeout.Infinite, token)) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (JobResult job in JobRunner.RunAsync([1], (_, _) => Pipeline.Create(Command.Create("true")), options, cancel.Token))
            {
                job.Dispose();
            }
        });
    }

    [Fact(Timeout = 30_000)]
    public async Task Halt_now_ends_the_running_jobs_trees()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = await RunAll(["exit 1", "sleep 30", "sleep 30"], (script, _) => Pipeline.Create(Command.Shell(script)),
            new JobOptions { MaxParallel = 3, Halt = HaltPolicy.Parse("now,fail=1") });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.False(r.Result.Success));
        // The job that reached the halt comes first, before the jobs it ended (as GNU parallel names it).
        Assert.Equal(ExitStatus.Exited(1), results[0].Result.ExitStatus);
        Assert.Equal("/bin/sh -c 'exit 1'", results[0].Result.CommandLine);
    }

    private static IEnumerable<int> Lazily(IEnumerable<int> values, Action? atEnd = null)
    {
        foreach (int value in values)
        {
            yield return value;
        }
        atEnd?.Invoke();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_percentage_halt_is_of_all_the_jobs_even_when_inputs_do_not_say_how_many()
    {
        // One failure in four is 25%: under the 50% that halts, though it is 100% of the first job.
        var results = await RunAll(Lazily([1, 0, 0, 0]), (code, _) => Pipeline.Create(Command.Shell($"exit {code}")),
            new JobOptions { MaxParallel = 1, Halt = HaltPolicy.Parse("soon,fail=50%") });
        Assert.Equal(4, results.Count);

        var halted = await RunAll(Lazily([1, 0, 1, 0, 0, 0]), (code, _) => Pipeline.Create(Command.Shell($"exit {code}")),
            new JobOptions { MaxParallel = 1, Halt = HaltPolicy.Parse("soon,fail=30%") });
        Assert.Equal(3, halted.Count); // 2 of 6 is past 30%: the second failure halts
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_after_every_input_has_started_still_throws_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var results = new List<JobResult>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (JobResult job in JobRunner.RunAsync(Lazily([1, 2], atEnd: cancel.Cancel),
                (_, _) => Pipeline.Create(Command.Create("sleep", "30")), new JobOptions { MaxParallel = 2 }, cancel.Token))
            {
                results.Add(job);
                job.Dispose();
            }
        });

        Assert.Equal(2, results.Count); // the jobs that ran are reported first
        Assert.All(results, r => Assert.False(r.Success));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("now,fail=1", HaltWhen.Now, false, 1, null)]
    [InlineData("soon,success=3", HaltWhen.Soon, true, 1 + 2, null)]
    [InlineData("now,fail=10%", HaltWhen.Now, false, 1, 10.0)]
    [InlineData("2", HaltWhen.Now, false, 1, null)]
    [InlineData("1", HaltWhen.Soon, false, 1, null)]
    public void Halt_policies_parse_GNU_parallels_forms(string text, HaltWhen when, bool onSuccess, int count, double? percent) =>
        Assert.Equal(new HaltPolicy(when, onSuccess, count, percent), HaltPolicy.Parse(text));

    [Theory]
    [InlineData("later,fail=1")]
    [InlineData("now,oops=1")]
    [InlineData("now,fail=0")]
    [InlineData("now,fail=150%")]
    [InlineData("now")]
    public void Bad_halt_policies_are_refused_in_the_librarys_words_not_a_command_lines(string text)
    {
        var error = Assert.Throws<FormatException>(() => HaltPolicy.Parse(text));
        Assert.StartsWith($"'{text}' is not a halt policy: ", error.Message);
        Assert.DoesNotContain("--halt", error.Message);
    }

    [Fact]
    public void Halt_never_is_no_policy() => Assert.Null(HaltPolicy.Parse("never"));
}

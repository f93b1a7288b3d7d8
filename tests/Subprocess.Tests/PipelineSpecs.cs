using System.Security.Cryptography;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>a | b | c: stages joined by kernel pipes, every stage's status, pipefail.</summary>
public class PipelineSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task I_can_pipe_one_command_into_another(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // bash: echo hello world | tr a-z A-Z
        Pipeline pipeline = (Command.Create("echo", "hello", "world") | Command.Create("tr", "a-z", "A-Z"));
        CapturedResult result = await pipeline.CaptureAsync();

        Assert.Equal("HELLO WORLD\n", result.StdoutText);
        Assert.Equal([ExitStatus.Exited(0), ExitStatus.Exited(0)], result.Stages);
        Assert.Equal("echo hello world | tr a-z A-Z", result.CommandLine);
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Two_hundred_megabytes_pass_through_three_stages_intact(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        byte[] input = new byte[200 * 1024 * 1024];
        new Random(7).NextBytes(input);
        Pipeline pipeline = (Command.Create("cat") | Command.Create("cat") | Command.Create("cat"));

        CapturedResult result = await pipeline.CaptureAsync(input);

        Assert.Equal(input.Length, result.Stdout.Length);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(result.Stdout));
    }

    [NativeFact("relays between stages through the parent", Timeout = 20_000)]
    public async Task Stages_are_joined_by_a_kernel_pipe_the_parent_does_not_hold()
    {
        await using PipelineProcess running = (Command.Create("sleep", "10") | Command.Create("sleep", "10")).Start();
        ChildProcess writer = running.Stages[0], reader = running.Stages[1];

        string written = Link($"/proc/{writer.Pid}/fd/1");
        string read = Link($"/proc/{reader.Pid}/fd/0");

        Assert.StartsWith("pipe:", written);
        Assert.Equal(written, read);
        Assert.DoesNotContain(written, ProcessTree.DescriptorTargets());
    }

    [NativeFact("makes no process groups", Timeout = 20_000)]
    public async Task All_stages_share_one_process_group_led_by_the_first()
    {
        await using PipelineProcess running = (Command.Create("sleep", "10") | Command.Create("sleep", "10") | Command.Create("sleep", "10")).Start();

        int leader = running.Stages[0].Pid;
        Assert.All(running.Stages, stage => Assert.Equal(leader, ProcessTree.GroupOf(stage.Pid)));
        Assert.NotEqual(ProcessTree.GroupOf(Environment.ProcessId), leader);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_missing_program_in_any_stage_fails_at_start_with_nothing_running(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        string marker = $"subproc-never-{Guid.NewGuid():N}";
        Pipeline pipeline = (Command.Shell("sleep 30").Marked(marker) | Command.Create("no-such-stage-xyz"));

        var error = Assert.Throws<ProcessStartException>(() => pipeline.Start());

        Assert.Equal("no-such-stage-xyz", error.Program);
        Assert.False(ProcessTree.AnyRunning(marker), "the first stage was started although the second cannot be");
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_missing_first_stage_fails_at_start_with_nothing_running(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        string marker = $"subproc-never-{Guid.NewGuid():N}";
        Pipeline pipeline = (Command.Create("no-such-first-stage-xyz") | Command.Shell("sleep 30").Marked(marker));

        var error = Assert.Throws<ProcessStartException>(() => pipeline.Start());

        Assert.Equal("no-such-first-stage-xyz", error.Program);
        Assert.False(ProcessTree.AnyRunning(marker), "the second stage was started although the first cannot be");
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_stage_killed_by_SIGPIPE_after_a_later_stage_ended_early_is_not_a_failure(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // bash: seq 1 1000000 | head -n 2 | cat ; seq dies of SIGPIPE once head stops reading.
        Pipeline pipeline = (Command.Create("seq", "1", "1000000") | Command.Create("head", "-n", "2") | Command.Create("cat"));
        if (kind == SpawnerKind.Portable)
        {
            // Process.Start leaves SIGPIPE ignored in its children (.NET 10), so seq fails with EPIPE
            // instead of dying quietly: the portable spawner cannot give the bash verdict here.
            pipeline = pipeline.WithCheck(false);
        }
        CapturedResult result = await pipeline.CaptureAsync();

        Assert.Equal("1\n2\n", result.StdoutText);
        Assert.Equal(ExitStatus.Exited(0), result.Stages[1]);
        if (kind == SpawnerKind.Linux)
        {
            Assert.Equal(ExitStatus.Killed(13), result.Stages[0]);
            Assert.Equal(ExitStatus.Exited(0), result.ExitStatus);
        }
    }

    [NativeFact("leaves SIGPIPE ignored in children, as Process does", Timeout = 20_000)]
    public async Task Yes_into_head_ends_at_once()
    {
        CapturedResult result = await (Command.Create("yes") | Command.Create("head", "-n", "1")).WithTimeout(TimeSpan.FromSeconds(10)).CaptureAsync();
        Assert.Equal("y\n", result.StdoutText);
        Assert.Equal([ExitStatus.Killed(13), ExitStatus.Exited(0)], result.Stages);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task The_right_most_failing_stage_names_the_failure(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Pipeline pipeline = (Command.Shell("echo first >&2; exit 3")
            | Command.Shell("cat >/dev/null; echo second failed >&2; exit 4")
            | Command.Create("cat"));

        var error = await Assert.ThrowsAsync<ProcessFailedException>(() => pipeline.CaptureAsync());

        Assert.Equal(ExitStatus.Exited(4), error.ExitStatus);
        Assert.Equal("second failed\n", error.StderrText);
        Assert.Contains("stage 2 of 3", error.Message);
        Assert.Contains("exited with code 4", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Check_off_returns_every_stage_status(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        ProcessResult result = await (Command.Shell("exit 3") | Command.Shell("cat; exit 0")).WithCheck(false).RunAsync();

        Assert.Equal([ExitStatus.Exited(3), ExitStatus.Exited(0)], result.Stages);
        Assert.Equal(ExitStatus.Exited(3), result.ExitStatus);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_pipeline_of_one_command_runs_like_the_command(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Pipeline.Create(Command.Create("echo", "alone")).CaptureAsync();

        Assert.Equal("alone\n", result.StdoutText);
        Assert.Single(result.Stages);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Stdin_from_a_file_and_stdout_to_a_file_need_no_pipe_to_the_parent(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string input = Path.GetTempFileName(), output = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, "b\na\nb\nc\na\n");
            Pipeline pipeline = (Command.Create("sort").WithStdin(Stdio.File(input)) | Command.Create("uniq").WithStdout(Stdio.File(output)));

            await using PipelineProcess running = pipeline.Start();
            Assert.Throws<InvalidOperationException>(() => running.Stdin);
            Assert.Throws<InvalidOperationException>(() => running.Stdout);
            Assert.True((await running.WaitAsync()).Success);

            Assert.Equal("a\nb\nc\n", await File.ReadAllTextAsync(output));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task On_Linux_the_files_are_the_stages_own_stdin_and_stdout_and_the_parent_holds_no_pipe()
    {
        using var spawner = Spawner.Use(SpawnerKind.Linux);
        // The proof that no byte can pass through the parent: the stages' descriptors 0 and 1 are the
        // files and the pipe between them, and this process holds none of them.
        string input = Path.GetTempFileName(), output = Path.GetTempFileName();
        try
        {
            Pipeline pipeline = (Command.Create("sleep", "30").WithStdin(Stdio.File(input))
                | Command.Create("sleep", "30").WithStdout(Stdio.File(output)));
            await using PipelineProcess running = pipeline.Start();
            int first = running.Stages[0].Pid, last = running.Stages[1].Pid;

            Assert.Equal(input, Link($"/proc/{first}/fd/0"));
            Assert.Equal(output, Link($"/proc/{last}/fd/1"));
            string between = Link($"/proc/{first}/fd/1");
            Assert.StartsWith("pipe:", between);
            Assert.Equal(between, Link($"/proc/{last}/fd/0"));
            IReadOnlyList<string> ours = ProcessTree.DescriptorTargets();
            Assert.DoesNotContain(between, ours);
            Assert.DoesNotContain(input, ours);
            Assert.DoesNotContain(output, ours);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task ToStdout_on_a_stage_sends_its_stderr_down_the_pipe()
    {
        CapturedResult result = await (Command.Shell("echo out; echo err >&2").WithStderr(Stdio.ToStdout) | Command.Create("sort")).CaptureAsync();
        Assert.Equal("err\nout\n", result.StdoutText);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_timeout_ends_every_stage(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string marker = $"subproc-stage-{Guid.NewGuid():N}";
        Pipeline pipeline = (Command.Shell("sleep 30").Marked(marker) | Command.Create("cat").Marked(marker) | Command.Shell("sleep 30").Marked(marker))
            .WithTimeout(TimeSpan.FromSeconds(0.3)).WithGracePeriod(TimeSpan.FromSeconds(0.5));

        var error = await Assert.ThrowsAsync<ProcessTimeoutException>(() => pipeline.RunAsync());

        Assert.NotNull(error.ExitStatus);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "a stage survived the timeout");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Cancelling_a_pipeline_ends_every_stage(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string marker = $"subproc-cancel-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));
        Pipeline pipeline = (Command.Shell("sleep 30").Marked(marker) | Command.Create("cat").Marked(marker));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.CaptureAsync(cancellationToken: cancel.Token));

        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)), "a stage survived cancellation");
    }

    [NativeFact("relays between stages through the parent, and a grandchild holding a relayed pipe keeps the relay going", Timeout = 30_000)]
    public async Task A_timeout_does_not_wait_for_a_grandchild_holding_the_pipe()
    {
        // The middle stage leaves a background sleep holding stdout; the group kill ends it too.
        string marker = $"subproc-holder-{Guid.NewGuid():N}";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Pipeline pipeline = (Command.Create("echo", "x") | Command.Shell("sleep 30 & cat").Marked(marker) | Command.Create("cat"))
            .WithTimeout(TimeSpan.FromSeconds(0.5));

        await Assert.ThrowsAsync<ProcessTimeoutException>(() => pipeline.CaptureAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(5)));
    }

    [NativeFact("makes no process groups: it kills the tree it finds by parent links, which can reach a holder in a session of its own", Timeout = 30_000)]
    public async Task A_timeout_does_not_wait_for_a_holder_outside_the_group()
    {
        // setsid puts the holder in a session of its own, out of reach of the group kill: only not
        // waiting for end of file lets the timeout return on time.
        string marker = $"subproc-outsider-{Guid.NewGuid():N}";
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Pipeline pipeline = (Command.Create("sleep", "30") | Command.Shell("setsid sleep 30 & cat").Marked(marker))
                .WithTimeout(TimeSpan.FromSeconds(3)).WithGracePeriod(TimeSpan.FromSeconds(0.5)).WithDrainTimeout(TimeSpan.FromSeconds(0.5));

            await Assert.ThrowsAsync<ProcessTimeoutException>(() => pipeline.CaptureAsync());

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}: it waited for the holder's end of file");
            Assert.True(ProcessTree.AnyRunning(marker), "the holder was meant to survive the group kill");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_started_pipeline_takes_stdin_and_gives_stdout_as_streams(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Pipeline pipeline = (Command.Create("sort").WithStdin(Stdio.Pipe) | Command.Create("uniq", "-c").WithStdout(Stdio.Pipe));
        await using PipelineProcess running = pipeline.Start();

        ProcessOutput output = await running.CommunicateAsync("b\na\nb\n"u8.ToArray());

        Assert.Equal(["1 a", "2 b"], output.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Equal(ExitStatus.Exited(0), running.Poll());
    }

    [Fact]
    public void Joining_streams_that_are_set_elsewhere_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Command.Create("a").WithStdout(Stdio.Null) | Command.Create("b"));
        Assert.Throws<ArgumentException>(() => Command.Create("a") | Command.Create("b").WithStdin(Stdio.Null));
        Assert.Throws<ArgumentException>(() => Command.Create("a").WithTimeout(TimeSpan.FromSeconds(1)) | Command.Create("b"));
        Assert.Throws<ArgumentException>(() => Pipeline.Create());
    }

    [Fact]
    public void Pipelines_are_immutable_values()
    {
        Pipeline two = Command.Create("a") | Command.Create("b");
        Pipeline three = two | Command.Create("c");

        Assert.Equal(2, two.Commands.Count);
        Assert.Equal("a | b | c", three.ToString());
    }

    private static string Link(string path) => new FileInfo(path).LinkTarget!;

    [Fact]
    public void A_pipeline_sets_its_first_stdin_last_stdout_and_every_stderr_itself()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-pipeline-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "in"), "b\na\nb\n");
            Pipeline pipeline = (Command.Shell("echo first >&2; cat") | Command.Shell("echo second >&2; sort -u"))
                .WithStdin(Stdio.File(Path.Combine(dir, "in")))
                .WithStdout(Stdio.File(Path.Combine(dir, "out")))
                .WithStderr(Stdio.File(Path.Combine(dir, "err"), append: true));

            pipeline.Run();

            Assert.Equal("a\nb\n", File.ReadAllText(Path.Combine(dir, "out")));
            Assert.Equal(["first", "second"], File.ReadAllLines(Path.Combine(dir, "err")).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_pipelines_stderr_to_stdout_is_refused_with_the_way_to_write_it()
    {
        var error = Assert.Throws<ArgumentException>(() => (Command.Create("echo") | Command.Create("cat")).WithStderr(Stdio.ToStdout));
        Assert.Contains("set it on the command", error.Message);
        Assert.NotNull(Pipeline.Create(Command.Create("echo")).WithStderr(Stdio.ToStdout));
    }
}

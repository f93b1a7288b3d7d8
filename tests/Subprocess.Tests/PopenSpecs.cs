using System.Diagnostics;
using System.Text;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>The Popen side: start, poll, wait, communicate, streams.</summary>
public class PopenSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task I_can_start_echo_with_a_piped_stdout_and_communicate(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: p = Popen(["echo", "hello world"], stdout=PIPE); out, err = p.communicate()
        using ChildProcess child = Command.Create("echo", "hello", "world").WithStdout(Stdio.Pipe).Start();
        ProcessOutput output = await child.CommunicateAsync();

        Assert.Equal("hello world\n", output.StdoutText);
        Assert.Empty(output.Stderr);
        Assert.Equal(ExitStatus.Exited(0), child.Poll());
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Poll_returns_null_while_the_child_runs_and_the_status_after(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: p = Popen(["sleep", "0.3"]); while p.poll() is None: ...
        using ChildProcess child = Command.Create("sleep", "0.3").Start();
        int polls = 0;
        while (child.Poll() is null)
        {
            polls++;
            await Task.Delay(10);
        }

        Assert.True(polls > 0, "poll() should have seen the child running at least once");
        Assert.Equal(0, child.Poll()!.Value.ReturnCode);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Ten_sleeps_started_first_and_waited_after_run_side_by_side(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // off the test thread, so the Timeout can fire even if a sync call hangs
        var clock = Stopwatch.StartNew();
        var children = Enumerable.Range(0, 10).Select(_ => Command.Create("sleep", "0.5").Start()).ToList();
        foreach (ChildProcess child in children)
        {
            Assert.True(child.Wait().Success);
            child.Dispose();
        }

        // Ten in a row would take at least 5 s; side by side they take about 0.5 s. The bound is generous
        // enough for a slow machine and still far below what running them one after another takes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_with_a_timeout_leaves_the_child_running_then_terminate_gives_minus_15(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // off the test thread, so the Timeout can fire even if a sync call hangs
        // Python: p = Popen(["sleep", "10"]); p.communicate(timeout=0.1) raises TimeoutExpired;
        //         p.terminate(); p.wait() == -15
        using ChildProcess child = Command.Create("sleep", "10").Start();

        var error = Assert.Throws<ProcessTimeoutException>(() => child.Communicate(timeout: TimeSpan.FromSeconds(0.1)));
        Assert.Equal(TimeSpan.FromSeconds(0.1), error.Timeout);
        Assert.Null(child.Poll());

        child.Terminate();
        ExitStatus status = child.Wait(TimeSpan.FromSeconds(10));
        Assert.Equal(-15, status.ReturnCode);
        Assert.Equal(15, status.Signal);
        Assert.Equal("killed by SIGTERM", status.ToString());
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_moves_50_MB_each_way_without_deadlock(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // cat echoes stdin to stdout and sh copies it to stderr too: both pipes fill while stdin is written.
        byte[] input = new byte[50 * 1024 * 1024];
        new Random(42).NextBytes(input);
        using ChildProcess child = Command.Shell("tee /dev/stderr")
            .WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();

        ProcessOutput output = await child.CommunicateAsync(input);

        Assert.True(input.AsSpan().SequenceEqual(output.Stdout), "stdout differs from the input");
        Assert.True(input.AsSpan().SequenceEqual(output.Stderr), "stderr differs from the input");
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicating_again_after_a_timeout_loses_no_output(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // off the test thread, so the Timeout can fire even if a sync call hangs
        using ChildProcess child = Command.Shell("echo first; sleep 2; echo second").WithStdout(Stdio.Pipe).Start();

        var timeout = Assert.Throws<ProcessTimeoutException>(() => child.Communicate(timeout: TimeSpan.FromSeconds(1)));
        ProcessOutput output = child.Communicate(timeout: TimeSpan.FromSeconds(10));

        Assert.Equal("first\n", Encoding.UTF8.GetString(timeout.Stdout));
        Assert.Equal("first\nsecond\n", output.StdoutText);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task I_can_write_to_stdin_and_read_stdout_as_streams(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using ChildProcess child = Command.Create("cat").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();

        await child.Stdin.WriteAsync("through cat\n"u8.ToArray());
        await child.Stdin.DisposeAsync();
        string text = await new StreamReader(child.Stdout).ReadToEndAsync();

        Assert.Equal("through cat\n", text);
        Assert.True((await child.WaitAsync()).Success);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Kill_gives_return_code_minus_9(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield(); // off the test thread, so the Timeout can fire even if a sync call hangs
        using ChildProcess child = Command.Create("sleep", "10").Start();
        child.Kill();
        Assert.Equal(-9, child.Wait(TimeSpan.FromSeconds(10)).ReturnCode);
    }

    [Fact(Timeout = 20_000)]
    public async Task Signal_delivers_any_signal_number()
    {
        // The shell reports which signal arrived; it prints "ready" first so the trap is in place.
        using ChildProcess child = Command.Shell("trap 'echo got USR1; exit 7' USR1; echo ready; while :; do sleep 0.05; done")
            .WithStdout(Stdio.Pipe).Start();
        var reader = new StreamReader(child.Stdout);
        Assert.Equal("ready", await reader.ReadLineAsync());

        child.Signal(10); // SIGUSR1
        Assert.Equal("got USR1", await reader.ReadLineAsync());
        Assert.Equal(7, (await child.WaitAsync()).Code);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_after_writing_and_closing_stdin_myself_reads_the_output(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using ChildProcess child = Command.Create("wc", "-c").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
        await child.Stdin.WriteAsync(new byte[12345]);
        await child.Stdin.DisposeAsync();

        ProcessOutput output = await child.CommunicateAsync();

        Assert.Equal("12345", output.StdoutText.Trim());
    }

    [Fact(Timeout = 20_000)]
    public async Task Disposing_the_child_during_communicate_ends_the_wait()
    {
        ChildProcess child = Command.Create("sleep", "30").WithStdout(Stdio.Pipe).WithGracePeriod(TimeSpan.Zero).Start();
        Task<ProcessOutput> communicating = child.CommunicateAsync();

        await child.DisposeAsync();

        // Killed, the child's stdout ends; either way the communication must finish, not hang.
        Task first = await Task.WhenAny(communicating, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(communicating, first);
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_with_a_timeout_throws_and_leaves_the_child_running()
    {
        await using ChildProcess child = Command.Create("sleep", "30").Start();

        await Assert.ThrowsAsync<ProcessTimeoutException>(() => child.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Null(child.Poll());
        child.Terminate();
        Assert.Equal(-15, (await child.WaitAsync(TimeSpan.FromSeconds(10))).ReturnCode);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => child.WaitAsync(TimeSpan.Zero));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_pipelines_WaitAsync_with_a_timeout_throws_and_leaves_the_stages_running()
    {
        await using PipelineProcess pipeline = (Command.Create("sleep", "30") | Command.Create("cat")).Start();

        await Assert.ThrowsAsync<ProcessTimeoutException>(() => pipeline.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Null(pipeline.Poll());
    }
}

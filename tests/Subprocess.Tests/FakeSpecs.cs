using Subprocess.Running;
using Subprocess.Spawning;
using Subprocess.Testing;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>
/// <see cref="FakeProcesses"/>: commands that match a rule get a fake child with scripted output, status,
/// delay or hang, and everything above the spawn (Capture, Run, the check, timeouts, pipelines, lines, Kill)
/// is the library's own. The programs faked here are on no PATH, so a spec passes only if nothing ran.
/// </summary>
public class FakeSpecs : Spec
{
    private const string Tool = "no-such-tool-for-fakes";

    [Fact(Timeout = 20_000)]
    public void A_matched_command_captures_its_scripted_output_and_nothing_runs()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "rev-parse", "HEAD").Returns(stdout: "4f2a1c9\n", stderr: "note\n");

        CapturedResult result = Command.Create(Tool, "rev-parse", "HEAD").Capture();

        Assert.Equal(("4f2a1c9\n", "note\n", ExitStatus.Exited(0)), (result.StdoutText, result.StderrText, result.ExitStatus));
        Assert.Equal($"{Tool} rev-parse HEAD", result.CommandLine);
        FakeCall call = Assert.Single(fake.Calls);
        Assert.Equal((Tool, ExitStatus.Exited(0)), (call.Program, call.ExitStatus));
        Assert.Equal(["rev-parse", "HEAD"], call.Arguments);
    }

    [Fact(Timeout = 20_000)]
    public async Task Run_and_RunAsync_give_the_scripted_exit_code()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "check").ExitsWith(3);

        ProcessResult blocking = Command.Create(Tool, "check").WithCheck(false).Run();
        ProcessResult awaited = await Command.Create(Tool, "check").WithCheck(false).RunAsync();

        Assert.Equal((3, 3), (blocking.ExitStatus.Code!.Value, awaited.ExitStatus.Code!.Value));
        Assert.Equal(2, fake.Calls.Count);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_failing_fake_throws_ProcessFailedException_with_its_scripted_output()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "push").Returns(stdout: "half\n", stderr: "rejected\n", exitCode: 1);

        var error = await Assert.ThrowsAsync<ProcessFailedException>(() => Command.Create(Tool, "push").CaptureAsync());

        Assert.Equal((ExitStatus.Exited(1), "rejected\n", "half\n"), (error.ExitStatus, error.StderrText, error.StdoutText));
        Assert.Contains($"{Tool} push", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public void A_fake_killed_by_a_signal_says_so_as_a_killed_process_does()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool).Returns(stdout: "partial").KilledBy(9);

        CapturedResult result = Command.Create(Tool).WithCheck(false).Capture();

        Assert.Equal((9, -9, "partial"), (result.ExitStatus.Signal!.Value, result.ExitStatus.ReturnCode, result.StdoutText));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_fake_with_a_delay_exits_after_it()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "slow").Returns(stdout: "done\n").After(TimeSpan.FromMilliseconds(300));

        CapturedResult result = await Command.Create(Tool, "slow").CaptureAsync();

        Assert.Equal("done\n", result.StdoutText);
        Assert.InRange(result.Duration, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 20_000)]
    public void A_fake_that_times_out_gives_the_real_timeout_exception_with_its_partial_output()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "fetch").Returns(stdout: "partial out", stderr: "partial err").TimesOut();

        var error = Assert.Throws<ProcessTimeoutException>(
            () => Command.Create(Tool, "fetch").WithTimeout(TimeSpan.FromMilliseconds(200)).Capture());

        Assert.Equal(("partial out", "partial err"), (System.Text.Encoding.UTF8.GetString(error.Stdout), System.Text.Encoding.UTF8.GetString(error.Stderr)));
        Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
        Assert.Equal(ExitStatus.Killed(15), error.ExitStatus);
        Assert.Equal(ExitStatus.Killed(15), Assert.Single(fake.Calls).ExitStatus);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_started_fake_runs_until_killed_and_its_pid_is_no_real_process()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "serve").Returns(stdout: "listening\n").TimesOut();

        using ChildProcess child = Command.Create(Tool, "serve").WithStdout(Stdio.Pipe).Start();
        using var reader = new StreamReader(child.Stdout);
        Assert.Equal("listening", await reader.ReadLineAsync());
        Assert.Null(child.Poll());
        Assert.True(child.Pid >= 1_000_000_000, $"pid {child.Pid}"); // above any PID a kernel gives out

        child.Kill();

        Assert.Equal(ExitStatus.Killed(9), await child.WaitAsync());
        Assert.Null(await reader.ReadLineAsync()); // its end of the pipe closed as it died
    }

    [Fact(Timeout = 20_000)]
    public void What_a_fake_reads_on_stdin_is_recorded_with_its_directory_and_environment()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "commit", "-F", "-").Returns();
        string nowhere = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}");

        Command.Create(Tool, "commit", "-F", "-").WithWorkingDirectory(nowhere)
            .WithEnvironment("GIT_AUTHOR_NAME", "Ada").WithEnvironment("PAGER", (string?)null).Capture("fix typo\n");

        FakeCall call = Assert.Single(fake.Calls);
        Assert.Equal("fix typo\n", call.StdinText);
        Assert.Equal(nowhere, call.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string?> { ["GIT_AUTHOR_NAME"] = "Ada", ["PAGER"] = null }, call.Environment);
        Assert.Null(call.Host);
    }

    [Fact(Timeout = 20_000)]
    public void A_file_given_as_stdin_is_read_and_recorded_and_a_file_as_stdout_gets_the_output()
    {
        string input = Path.GetTempFileName(), output = Path.GetTempFileName();
        try
        {
            File.WriteAllText(input, "from a file");
            using var fake = FakeProcesses.Begin();
            fake.On(Tool).Returns(stdout: "to a file");

            Command.Create(Tool).WithStdin(Stdio.File(input)).WithStdout(Stdio.File(output)).Run();

            Assert.Equal("from a file", Assert.Single(fake.Calls).StdinText);
            Assert.Equal("to a file", File.ReadAllText(output));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Lines_of_a_fake_are_read_as_they_come()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "log").Returns(stdout: "one\ntwo\n", stderr: "warn\n");

        var lines = new List<OutputLine>();
        await foreach (OutputLine line in Command.Create(Tool, "log").ReadLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(["one", "two"], lines.Where(line => line.Stream == OutputStream.Stdout).Select(line => line.Text));
        Assert.Equal(["warn"], lines.Where(line => line.Stream == OutputStream.Stderr).Select(line => line.Text));
    }

    [Fact(Timeout = 20_000)]
    public void An_unmatched_command_fails_loudly_naming_itself_and_the_rules()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "status").Returns();
        fake.On(command => command.Arguments.Contains("--dry-run"));

        var error = Assert.Throws<UnexpectedCommandException>(() => Command.Create(Tool, "push", "origin").Run());

        Assert.Equal($"{Tool} push origin", error.CommandLine);
        Assert.Equal(["command => command.Arguments.Contains(\"--dry-run\")", $"{Tool} status"], error.Rules);
        Assert.Contains($"'{Tool} push origin'", error.Message);
        Assert.Contains("UnmatchedCommands.RunForReal", error.Message);
        Assert.Empty(fake.Calls);
    }

    [Fact(Timeout = 20_000)]
    public void An_unmatched_command_runs_for_real_when_the_scope_says_so()
    {
        using var fake = FakeProcesses.Begin(UnmatchedCommands.RunForReal);
        fake.On(Tool).Returns(stdout: "faked");

        CapturedResult real = Command.Create("echo", "really").Capture();
        CapturedResult faked = Command.Create(Tool).Capture();

        Assert.Equal(("really\n", "faked"), (real.StdoutText, faked.StdoutText));
        Assert.Equal(1, ChildrenStarted - fake.Calls.Count);
        Assert.Single(fake.Calls);
    }

    [Fact(Timeout = 20_000)]
    public void The_latest_rule_that_matches_wins()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(command => command.Program == Tool).Returns(stdout: "general");
        fake.On(Tool, "special").Returns(stdout: "specific");

        Assert.Equal("specific", Command.Create(Tool, "special").Capture().StdoutText);
        Assert.Equal("general", Command.Create(Tool, "other").Capture().StdoutText);
    }

    [Fact(Timeout = 20_000)]
    public async Task Scopes_in_two_flows_at_once_do_not_see_each_other()
    {
        // Each flow says when its scope is begun and waits for the other's (awaiting: no pool thread blocked).
        var firstBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<(string Output, int Calls)> InOwnScope(string answer)
        {
            using var fake = FakeProcesses.Begin();
            fake.On(Tool).Returns(stdout: answer);
            (TaskCompletionSource mine, TaskCompletionSource other) = answer == "first" ? (firstBegun, secondBegun) : (secondBegun, firstBegun);
            mine.SetResult();
            await other.Task.WaitAsync(TimeSpan.FromSeconds(10)); // throws TimeoutException if the scopes never overlap
            CapturedResult result = await Command.Create(Tool).CaptureAsync();
            return (result.StdoutText, fake.Calls.Count);
        }

        (string, int)[] results = await Task.WhenAll(Task.Run(() => InOwnScope("first")), Task.Run(() => InOwnScope("second")));

        Assert.Equal([("first", 1), ("second", 1)], results);
        Assert.Throws<ProcessStartException>(() => Command.Create(Tool).Run()); // neither scope reached this flow
    }

    [Fact(Timeout = 20_000)]
    public void A_pipeline_of_fakes_is_matched_stage_by_stage_and_relayed()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "list").Returns(stdout: "b\na\n");
        fake.On(Tool, "sort").Returns(stdout: "a\nb\n");

        CapturedResult result = (Command.Create(Tool, "list") | Command.Create(Tool, "sort")).Capture();

        Assert.Equal("a\nb\n", result.StdoutText);
        Assert.Equal(2, result.Stages.Count);
        Assert.Equal("b\na\n", fake.Calls.Single(call => call.Arguments[0] == "sort").StdinText);
    }

    [Fact(Timeout = 20_000)]
    public void A_real_stage_feeds_a_fake_one_in_the_same_pipeline()
    {
        using var fake = FakeProcesses.Begin(UnmatchedCommands.RunForReal);
        fake.On(Tool, "count").Returns(stdout: "2\n");

        CapturedResult result = (Command.Create("printf", "x\\ny\\n") | Command.Create(Tool, "count")).Capture();

        Assert.Equal("2\n", result.StdoutText);
        Assert.Equal("x\ny\n", Assert.Single(fake.Calls).StdinText);
    }

    [Fact(Timeout = 20_000)]
    public async Task JobRunner_runs_fakes_as_jobs_and_an_unmatched_job_stops_the_run_loudly()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "1").Returns(stdout: "one\n");
        fake.On(Tool, "2").Returns(stderr: "bad\n", exitCode: 2);

        var results = new List<(string Stdout, int? Code)>();
        await foreach (JobResult job in JobRunner.RunAsync(["1", "2"], (input, _) => Command.Create(Tool, input), new JobOptions { KeepOrder = true }))
        {
            using (job)
            using (var stdout = new StreamReader(job.OpenStdout()))
            {
                results.Add((await stdout.ReadToEndAsync(), job.ExitStatus?.Code));
            }
        }

        Assert.Equal([("one\n", 0), ("", 2)], results);
        await Assert.ThrowsAsync<UnexpectedCommandException>(async () =>
        {
            await foreach (JobResult job in JobRunner.RunAsync(["3"], (input, _) => Command.Create(Tool, input), new JobOptions()))
            {
                job.Dispose();
            }
        });
    }

    [Fact(Timeout = 20_000)]
    public async Task A_hanging_fake_job_times_out_as_soon_as_the_jobs_clock_says_so()
    {
        using var fake = FakeProcesses.Begin();
        fake.On(Tool, "fetch").Returns(stdout: "so far").TimesOut();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var options = new JobOptions { Timeout = TimeSpan.FromMinutes(10), TimeProvider = clock };
        await using var jobs = JobRunner.RunAsync(["fetch"], (input, _) => Command.Create(Tool, input), options).GetAsyncEnumerator();

        Task<bool> finished = jobs.MoveNextAsync().AsTask();
        while (!finished.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAny(finished, Task.Delay(50));
        }

        Assert.True(await finished);
        using JobResult job = jobs.Current;
        var timedOut = Assert.IsType<ProcessTimeoutException>(job.Error);
        Assert.Equal(TimeSpan.FromMinutes(10), timedOut.Timeout);
        using var stdout = new StreamReader(job.OpenStdout());
        Assert.Equal("so far", await stdout.ReadToEndAsync());
        Assert.Equal(ExitStatus.Killed(15), job.ExitStatus);
    }

    [Fact(Timeout = 20_000)]
    public void A_command_on_a_host_is_matched_as_written_and_no_connection_is_opened()
    {
        using var host = new SshHost("web1.invalid");
        using var fake = FakeProcesses.Begin(); // an ssh connection would be a command no rule matches
        fake.On("uname", "-r").Returns(stdout: "6.18.0\n");

        CapturedResult result = Command.Create("uname", "-r").OnHost(host).Capture();

        Assert.Equal("6.18.0\n", result.StdoutText);
        FakeCall call = Assert.Single(fake.Calls);
        Assert.Equal(("web1.invalid", "web1.invalid: uname -r"), (call.Host, call.CommandLine));
        Assert.False(host.IsConnected);
    }

    [Fact(Timeout = 20_000)]
    public void Disposing_a_scope_restores_the_one_before_and_nested_scopes_fall_back_outward()
    {
        ISpawner before = LaunchScope.Spawner;
        using (var outer = FakeProcesses.Begin())
        {
            outer.On(Tool, "a").Returns(stdout: "outer a");
            outer.On(Tool, "b").Returns(stdout: "outer b");
            using (var inner = FakeProcesses.Begin(UnmatchedCommands.RunForReal))
            {
                inner.On(Tool, "b").Returns(stdout: "inner b");

                Assert.Equal("outer a", Command.Create(Tool, "a").Capture().StdoutText);
                Assert.Equal("inner b", Command.Create(Tool, "b").Capture().StdoutText);
                Assert.Throws<UnexpectedCommandException>(() => Command.Create(Tool, "c").Run()); // the outer scope fails it
                Assert.Equal(["b"], inner.Calls.Select(call => call.Arguments[0]));
            }
            Assert.Equal("outer b", Command.Create(Tool, "b").Capture().StdoutText);
            Assert.Equal(["a", "b"], outer.Calls.Select(call => call.Arguments[0]));
        }
        Assert.Same(before, LaunchScope.Spawner);
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>The one-shot helpers: Run and Capture, sync and async, with check.</summary>
public class RunSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task I_can_capture_stdout_and_stderr_separately(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: run(["sh", "-c", ...], capture_output=True)
        CapturedResult result = await Command.Shell("printf out; printf err >&2").CaptureAsync();

        Assert.Equal("out", result.StdoutText);
        Assert.Equal("err", result.StderrText);
        Assert.True(result.ExitStatus.Success);
        Assert.Equal([result.ExitStatus], result.Stages);
        Assert.Equal("/bin/sh -c 'printf out; printf err >&2'", result.CommandLine);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task I_can_capture_with_input_bytes(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: run(["sha256sum"], input=data, capture_output=True)
        byte[] data = "abc"u8.ToArray();
        CapturedResult result = await Command.Create("sha256sum").CaptureAsync(data);

        Assert.StartsWith("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", result.StdoutText);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_non_zero_exit_throws_with_the_status_and_stderr(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: run(..., check=True) raises CalledProcessError
        var error = await Assert.ThrowsAsync<ProcessFailedException>(
            () => Command.Shell("echo broken >&2; exit 3").CaptureAsync());

        Assert.Equal(ExitStatus.Exited(3), error.ExitStatus);
        Assert.Equal("broken\n", error.StderrText);
        Assert.Contains("exited with code 3", error.Message);
        Assert.Contains("broken", error.Message);
        Assert.Contains("exit 3", error.CommandLine);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Check_off_returns_the_failure_as_a_result(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        ProcessResult result = await Command.Create("sh", "-c", "exit 5").WithCheck(false).RunAsync();

        Assert.Equal(5, result.ExitStatus.Code);
        Assert.False(result.ExitStatus.Success);
        Assert.IsNotType<CapturedResult>(result);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Run_reports_start_exit_and_duration(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        ProcessResult result = Command.Create("sleep", "0.2").Run();

        Assert.True(result.Duration >= TimeSpan.FromSeconds(0.15), $"duration {result.Duration}");
        Assert.Equal(result.ExitTime - result.StartTime, result.Duration);
        Assert.True(result.StartTime <= DateTimeOffset.UtcNow);
    }

    [NativeFact("cannot tell a death by signal N from an exit with code 128+N (Process reports both as a code)", Timeout = 20_000)]
    public async Task A_signal_death_is_a_failure_when_checked()
    {
        var error = await Assert.ThrowsAsync<ProcessFailedException>(() => Command.Shell("kill -TERM $$").RunAsync());
        Assert.Equal(15, error.ExitStatus.Signal);
        Assert.Contains("killed by SIGTERM", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Sync_capture_gives_the_same_as_async(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        Command command = Command.Create("printf", "%s-%s", "a", "b");
        Assert.Equal(command.Capture().StdoutText, (await command.CaptureAsync()).StdoutText);
        Assert.Equal("a-b", command.Capture().StdoutText);
    }

    [Fact(Timeout = 20_000)]
    public async Task Arguments_reach_the_child_literally_without_a_shell()
    {
        string[] tricky = ["a b", "$(echo no)", "`id`", "'quoted'", "\"double\"", "semi;colon", "new\nline", "*", "", "ünïcødé"];
        CapturedResult result = await Command.Create("printf", ["[%s]", .. tricky]).CaptureAsync();

        Assert.Equal(string.Concat(tricky.Select(t => $"[{t}]")), result.StdoutText);
    }

    [Fact(Timeout = 20_000)]
    public async Task WithArguments_appends_and_commands_are_immutable()
    {
        Command bare = Command.Create("echo", "one");
        Command more = bare.WithArguments("two", "three");

        Assert.Equal(["one"], bare.Arguments);
        Assert.Equal(["one", "two", "three"], more.Arguments);
        Assert.Equal("one two three\n", (await more.CaptureAsync()).StdoutText);
        Assert.Equal("one\n", (await bare.CaptureAsync()).StdoutText);
    }
}

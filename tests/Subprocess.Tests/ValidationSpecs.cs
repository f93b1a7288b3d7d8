using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Every kind of bad input fails loudly, at the call that brought it, with a message that says what to do.</summary>
public class ValidationSpecs : Spec
{
    [Fact(Timeout = 30_000)]
    public async Task Run_refuses_a_pipe_it_gives_no_way_to_use_instead_of_hanging()
    {
        // Before, this filled the 64 KiB pipe and waited forever, as Python's run(stdout=PIPE) does not.
        Command stdout = Command.Create("head", "-c", "10000000", "/dev/zero").WithStdout(Stdio.Pipe);
        Command stdin = Command.Create("cat").WithStdin(Stdio.Pipe);
        Command stderr = Command.Create("true").WithStderr(Stdio.Pipe);

        foreach ((Func<Task> run, string piped) in new (Func<Task>, string)[]
        {
            (() => Task.Run(() => stdout.Run()), "stdout"),
            (() => stdout.RunAsync(), "stdout"),
            (() => stdin.RunAsync(), "stdin"),
            (() => (Command.Create("true") | stderr).RunAsync(), "stderr"),
        })
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(run);
            Assert.Contains($"has its {piped} piped", error.Message);
            Assert.Contains("use Capture", error.Message);
            Assert.Contains("or Start", error.Message);
        }
        Assert.Equal(0, ChildrenStarted); // refused before anything ran
        Assert.Equal(10_000_000, stdout.Capture().Stdout.Length); // Capture is the way
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_missing_program_says_not_found_and_where_it_looked(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        var error = Assert.Throws<ProcessStartException>(
            () => Command.Create("no-such-program-xyz").WithEnvironment("PATH", "/usr/local/bin:/usr/bin:/bin").Start());

        Assert.Equal("no-such-program-xyz", error.Program);
        Assert.Equal(2, error.Errno);
        Assert.Contains("not found on PATH (/usr/local/bin:/usr/bin:/bin)", error.Message);
        Assert.Contains("pass a full path or fix PATH", error.Message);
        Assert.Contains("working directory", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_missing_program_path_names_the_path()
    {
        await Task.Yield();
        var error = Assert.Throws<ProcessStartException>(() => Command.Create("/nonexistent/tool").Run());
        Assert.Contains("/nonexistent/tool does not exist", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_directory_as_program_is_refused(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        var error = Assert.Throws<ProcessStartException>(() => Command.Create("/tmp").Start());
        Assert.Contains("/tmp is a directory, not a program", error.Message);
        Assert.Equal(13, error.Errno);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_file_without_execute_permission_is_refused(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "#!/bin/sh\necho should not run\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var error = Assert.Throws<ProcessStartException>(() => Command.Create(file).Start());
            Assert.Contains("is not executable (permission denied)", error.Message);
            Assert.Equal(13, error.Errno);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_missing_working_directory_fails_at_start(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        var error = Assert.Throws<ProcessStartException>(
            () => Command.Create("true").WithWorkingDirectory("/nonexistent/dir").Start());

        Assert.Equal("/nonexistent/dir", error.WorkingDirectory);
        Assert.Contains("the working directory /nonexistent/dir does not exist", error.Message);
    }

    [Fact]
    public void A_NUL_in_an_argument_or_program_is_refused_when_the_command_is_built()
    {
        Assert.Contains("Argument 2 contains a NUL", Assert.Throws<ArgumentException>(() => Command.Create("echo", "ok", "bad\0arg")).Message);
        Assert.Contains("Argument 3 contains a NUL", Assert.Throws<ArgumentException>(() => Command.Create("echo", "a", "b").WithArguments("c\0")).Message);
        Assert.Throws<ArgumentException>(() => Command.Create("ec\0ho"));
        Assert.Throws<ArgumentException>(() => Command.Create(""));
    }

    [Fact]
    public void Bad_environment_names_and_values_are_refused()
    {
        Command command = Command.Create("env");
        Assert.Contains("contains '='", Assert.Throws<ArgumentException>(() => command.WithEnvironment("A=B", "x")).Message);
        Assert.Throws<ArgumentException>(() => command.WithEnvironment("", "x"));
        Assert.Throws<ArgumentException>(() => command.WithEnvironment("A\0", "x"));

        var nulValue = Assert.Throws<ArgumentException>(() => command.WithEnvironment("SECRET", "hunter2\0tail"));
        Assert.Contains("SECRET contains a NUL", nulValue.Message);
        Assert.DoesNotContain("hunter2", nulValue.Message);
        Assert.Throws<ArgumentException>(() => command.WithEnvironment("RAW", [1, 0, 2]));
    }

    [Fact]
    public void A_timeout_of_zero_or_less_is_refused()
    {
        Command command = Command.Create("true");
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => command.WithTimeout(TimeSpan.Zero));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => (command | command).WithTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => command.WithGracePeriod(TimeSpan.FromSeconds(-1)));

        Assert.Equal("timeout", zero.ParamName);
        Assert.StartsWith("A timeout must be longer than zero, not 00:00:00; to run without one, do not call WithTimeout.", zero.Message);
        Assert.StartsWith("A timeout must be longer than zero, not -00:00:01;", negative.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task Wait_and_Communicate_refuse_a_timeout_of_zero_or_less()
    {
        await Task.Yield();
        using ChildProcess child = Command.Create("true").Start();
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => child.Wait(TimeSpan.Zero));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => child.Communicate(timeout: TimeSpan.FromMilliseconds(-5)));

        Assert.StartsWith("A timeout must be longer than zero, not 00:00:00; pass null to wait without one.", zero.Message);
        Assert.StartsWith("A timeout must be longer than zero, not -00:00:00.0050000; pass null to wait without one.", negative.Message);
        child.Wait();
    }

    [Fact]
    public void ToStdout_is_for_stderr_only()
    {
        Assert.Throws<ArgumentException>(() => Command.Create("true").WithStdout(Stdio.ToStdout));
        Assert.Throws<ArgumentException>(() => Command.Create("true").WithStdin(Stdio.ToStdout));
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Reading_a_stream_that_was_not_piped_says_how_to_pipe_it(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await using ChildProcess child = Command.Create("true").WithStdout(Stdio.Null).Start();

        var error = Assert.Throws<InvalidOperationException>(() => child.Stdout);
        Assert.Contains("stdout was not piped", error.Message);
        Assert.Contains("WithStdout(Stdio.Pipe)", error.Message);
        Assert.Throws<InvalidOperationException>(() => child.Stdin);
        Assert.Throws<InvalidOperationException>(() => child.Communicate("input"u8.ToArray()));
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Writing_to_the_stdin_of_a_child_that_closed_it_is_an_IOException_that_says_so(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // `true` exits without reading, closing the pipe's only reader.
        await using ChildProcess child = Command.Create("true").WithStdin(Stdio.Pipe).Start();
        await child.WaitAsync();

        var error = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await child.Stdin.WriteAsync(new byte[1 << 20]);
            await child.Stdin.FlushAsync();
        });
        Assert.StartsWith("The child closed its stdin: 'true' exited or closed its input", error.Message);
        Assert.Contains("broken pipe", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_blocking_write_that_the_child_stops_reading_half_way_is_an_IOException_that_says_so(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await Task.Yield();
        // More than a pipe holds: the write blocks with part of it written, then `head` exits. .NET's
        // pipe stream (the portable spawner's) reported that as "Connection timed out".
        await using ChildProcess child = Command.Create("head", "-c", "1").WithStdin(Stdio.Pipe).WithStdout(Stdio.Null).Start();

        var error = Assert.ThrowsAny<IOException>(() =>
        {
            child.Stdin.Write(new byte[4 << 20]);
            child.Stdin.Flush();
        });
        Assert.StartsWith("The child closed its stdin: 'head -c 1' exited or closed its input", error.Message);
        Assert.Contains("broken pipe", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Kill_and_Signal_after_exit_do_nothing_and_throw_nothing(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        await using ChildProcess child = Command.Create("true").Start();
        ExitStatus status = await child.WaitAsync();

        child.Kill();
        child.Terminate();
        child.Signal(10);

        Assert.Equal(status, child.Poll());
        Assert.Equal(ExitStatus.Exited(0), status);
        // No signal left the library: the PID, which may be another process's by now, was never used.
        Assert.False(child.Control.Signal(9, group: false), "a signal was sent to a reaped child's PID");
    }

    [Fact(Timeout = 30_000)]
    public async Task Terminate_after_exit_is_ignored_even_while_the_portable_spawner_still_copies_the_output()
    {
        using var spawner = Spawner.Use(SpawnerKind.Portable);
        // The portable spawner copies a file target through the parent, and the background sleep keeps
        // that copy going after Process has reaped the shell. Terminate must see the exit anyway: were
        // it sent, the PID could be a stranger's, and exit code 143 would be misread as SIGTERM.
        string marker = $"subproc-reaped-{Guid.NewGuid():N}";
        string output = Path.GetTempFileName();
        try
        {
            await using ChildProcess child = Command.Shell("sleep 30 & exit 143").Marked(marker)
                .WithStdout(Stdio.File(output)).Start();
            Assert.True(await ProcessTree.ReapedWithin(child.Pid, TimeSpan.FromSeconds(10)), "the shell did not exit");
            Assert.Null(child.Poll()); // the copy is still running

            child.Terminate();
            ProcessTree.KillMarked(marker);

            Assert.Equal(ExitStatus.Exited(143), await child.WaitAsync());
        }
        finally
        {
            ProcessTree.KillMarked(marker);
            File.Delete(output);
        }
    }


    [Fact]
    public void A_signal_number_must_be_positive()
    {
        using ChildProcess child = Command.Create("true").Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => child.Signal(0));
        child.Wait();
    }

    [Fact]
    public void A_lone_surrogate_is_refused_where_a_NUL_is_but_a_pair_is_text()
    {
        var argument = Assert.Throws<ArgumentException>(() => Command.Create("echo", "a\uD800b"));
        Assert.Contains("Argument 1 contains a lone UTF-16 surrogate (U+D800 at index 1)", argument.Message);
        var value = Assert.Throws<ArgumentException>(() => Command.Create("env").WithEnvironment("X", "\uDC00"));
        Assert.Contains("The value of environment variable X contains a lone UTF-16 surrogate", value.Message);
        Assert.Throws<ArgumentException>(() => Command.Create("echo").WithArguments("ok", "\uD83D"));
        Assert.Throws<ArgumentException>(() => Command.Create("x\uDFFF"));

        Assert.Equal("\U0001F600\n", Command.Create("echo", "\U0001F600").Capture().StdoutText); // a pair passes as UTF-8
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(-9)]
    public void A_signal_number_Linux_does_not_have_is_refused_at_the_call(int signal)
    {
        using ChildProcess child = Command.Create("true").WithNewProcessGroup().Start();
        child.Wait();
        Assert.Contains("from 1 to 64", Assert.Throws<ArgumentOutOfRangeException>(() => child.Signal(signal)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => child.SignalTree(signal));
        using PipelineProcess pipeline = (Command.Create("true") | Command.Create("true")).Start();
        pipeline.Wait();
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Signal(signal));
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_script_whose_interpreter_is_missing_names_the_interpreter(SpawnerKind kind)
    {
        Assert.SkipWhen(kind == SpawnerKind.Linux && Emulation.IsUserMode,
            Emulation.ExecErrorLost);
        using var spawner = Spawner.Use(kind);
        string script = Path.Combine(Path.GetTempPath(), $"subproc-shebang-{Guid.NewGuid():N}");
        await Scripts.WriteExecutable(script, "echo hi", interpreter: "/nonexistent/interpreter -x");
        try
        {
            var error = await Assert.ThrowsAsync<ProcessStartException>(() => Command.Create(script).RunAsync());
            Assert.Contains($"{script}: its interpreter /nonexistent/interpreter, named on its #! line, does not exist", error.Message);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_path_through_a_symbolic_link_and_dot_dot_is_resolved_as_the_kernel_does(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string root = Directory.CreateTempSubdirectory("subproc-links-").FullName;
        try
        {
            // root/dir/link -> root/a/b, so dir/link/.. is root/a (the kernel's reading), not root/dir (a lexical one).
            Directory.CreateDirectory(Path.Combine(root, "a", "b"));
            Directory.CreateDirectory(Path.Combine(root, "a", "bin"));
            Directory.CreateDirectory(Path.Combine(root, "dir"));
            File.CreateSymbolicLink(Path.Combine(root, "dir", "link"), Path.Combine(root, "a", "b"));
            File.CreateSymbolicLink(Path.Combine(root, "a", "bin", "true"), "/bin/true");

            ProcessResult result = await Command.Create(Path.Combine(root, "dir", "link", "..", "bin", "true")).RunAsync();

            Assert.True(result.ExitStatus.Success);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_relative_program_with_no_current_directory_fails_at_start_saying_so()
    {
        string parent = Directory.CreateTempSubdirectory("subproc-gone-").FullName;
        try
        {
            Command verb = TestChildProgram.Verb("start-relative");
            CapturedResult result = await Command.Shell("mkdir gone && cd gone && rmdir ../gone && exec \"$@\"")
                .WithArguments(["sh", verb.Program, .. verb.Arguments]).WithWorkingDirectory(parent).CaptureAsync();

            Assert.StartsWith("ProcessStartException: Cannot start './program': it is relative to the current directory, which no longer exists", result.StdoutText);
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_after_Dispose_says_the_child_was_disposed_instead_of_returning_nothing(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        ChildProcess child = Command.Create("echo", "hi").WithStdout(Stdio.Pipe).Start();
        await child.WaitAsync();
        await child.DisposeAsync();

        var error = Assert.Throws<ObjectDisposedException>(() => child.Communicate());
        Assert.Equal("'echo hi' was disposed: its pipes are closed, so there is nothing to communicate.", error.Message);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => child.CommunicateAsync());
    }

    [Fact]
    public void A_pipe_closed_while_pumped_says_so_without_an_object_name()
    {
        (Microsoft.Win32.SafeHandles.SafeFileHandle read, Microsoft.Win32.SafeHandles.SafeFileHandle write) = Native.PipeFd.Create();
        using (write)
        {
            var pipe = new Pipes.DescriptorPipe("stdout", read, FileAccess.Read);
            var communication = new Pipes.Communication(stages: 1, limit: long.MaxValue);
            pipe.PumpInto(communication.Stdout, communication);
            communication.Started();

            pipe.Dispose();

            Assert.Equal("The child's stdout was closed while it was being pumped.", communication.Error?.Message);
        }
    }
}

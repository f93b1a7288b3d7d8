using System.Text;

namespace Subprocess.Tests;

/// <summary>
/// Commands on another host over OpenSSH (<see cref="Command.OnHost"/>), against real sshd servers on
/// loopback (<see cref="SshLab"/>): the bytes that reach the remote program, its status, and that ending a
/// remote command, however it is ended, leaves nothing running on the host. The lab's hosts are this
/// machine, so what is left behind is found in /proc, by a sleep length no other spec uses.
/// </summary>
[Collection(SshLabSpecs.Name)]
public class RemoteSpecs(SshLab lab) : Spec
{
    [SshFact]
    public void Arguments_directory_and_environment_reach_the_remote_program_byte_for_byte()
    {
        using SshHost host = lab.Host(1);
        string[] words = ["plain", "", "two words", "it's", "\"dq\"", "$HOME", "`id`", "$(id)", "a;b|c&d", "*", "~", "line\nbreak", "tab\there", "back\\slash", "-n", "é ü 🙂"];
        CapturedResult result = Command.Create("printf", [@"%s\0", .. words]).OnHost(host).Capture();
        Assert.Equal([.. words.SelectMany(word => Encoding.UTF8.GetBytes(word).Append((byte)0))], result.Stdout);

        CapturedResult env = Command.Create("sh", "-c", "pwd; printf '%s|%s' \"$SPACED\" \"$1\"", "sh", "x'y")
            .WithWorkingDirectory("/usr/share").WithEnvironment("SPACED", "a b; $(id)").OnHost(host).Capture();
        Assert.Equal("/usr/share\na b; $(id)|x'y", env.StdoutText);

        CapturedResult clean = Command.Create("env").WithCleanEnvironment().WithEnvironment("ONLY", "1").OnHost(host).Capture();
        Assert.Equal("ONLY=1\n", clean.StdoutText);
        CapturedResult odd = Command.Create("env").WithCleanEnvironment().WithEnvironment("not-a-shell-name", "v").OnHost(host).Capture();
        Assert.Equal("not-a-shell-name=v\n", odd.StdoutText);
        // A program env would read as an assignment: a path holding '=' (the lab's hosts are this machine).
        string dir = Directory.CreateTempSubdirectory("subproc-eq=").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir, "say"), "/bin/echo");
            new DirectoryInfo(dir).UnixFileMode |= UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            CapturedResult named = Command.Create(Path.Combine(dir, "say"), "hi").WithCleanEnvironment().OnHost(host).Capture();
            Assert.Equal("hi\n", named.StdoutText);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [NativeSshFact]
    public void Raw_bytes_reach_the_remote_program_in_arguments_and_the_environment()
    {
        using SshHost host = lab.Host(1);
        byte[] raw = [0x66, 0xff, 0xfe, 0x27, 0x80, 0x0a];
        byte[] password = [0xe2, 0x34, 0x55, 0x0a, 0xd0, 0x51, 0x6c, 0x33, 0x53, 0x11, 0x27];
        CapturedResult result = Command.Create("sh", "-c", "printf '%s|%s' \"$1\" \"$password\"", "sh").WithRawArgument(raw)
            .WithEnvironment("password", password).OnHost(host).Capture();
        Assert.Equal([.. raw, (byte)'|', .. password], result.Stdout);
    }

    [SshFact]
    public void Stdin_streams_to_the_remote_program_and_stdout_and_stderr_come_back_apart()
    {
        using SshHost host = lab.Host(2);
        byte[] data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        CapturedResult sum = Command.Create("sha256sum").OnHost(host).Capture(data);
        Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), sum.StdoutText);

        CapturedResult both = Command.Shell("echo out; echo err >&2").OnHost(host).Capture();
        Assert.Equal(("out\n", "err\n"), (both.StdoutText, both.StderrText));
    }

    [SshFact]
    public void The_status_is_the_remote_programs_and_a_signal_is_128_plus_its_number()
    {
        using SshHost host = lab.Host(1);
        Assert.Equal(ExitStatus.Exited(3), Command.Shell("exit 3").OnHost(host).WithCheck(false).Run().ExitStatus);
        Assert.Equal(ExitStatus.Exited(143), Command.Shell("kill -TERM $$").OnHost(host).WithCheck(false).Run().ExitStatus);
        // ssh's own failure code, but the connection is fine: the program's status, not a connection error.
        Assert.Equal(ExitStatus.Exited(255), Command.Shell("exit 255").OnHost(host).WithCheck(false).Run().ExitStatus);
        var failed = Assert.Throws<ProcessFailedException>(() => Command.Shell("echo nope >&2; exit 4").OnHost(host).Capture());
        Assert.Equal(4, failed.ExitStatus.Code);
        Assert.Equal("nope\n", failed.StderrText);
        Assert.Contains("lab1: /bin/sh -c", failed.Message);
    }

    [SshFact]
    public void A_missing_program_exits_127_there_as_in_a_shell()
    {
        using SshHost host = lab.Host(1);
        CapturedResult result = Command.Create("no-such-program-here").OnHost(host).WithCheck(false).Capture();
        Assert.Equal(127, result.ExitStatus.Code);
        Assert.Contains("no-such-program-here", result.StderrText);
    }

    [SshFact]
    public void A_timeout_ends_the_whole_remote_tree()
    {
        using SshHost host = lab.Host(1);
        var timedOut = Assert.Throws<ProcessTimeoutException>(() =>
            Command.Shell("sleep 1001 & sleep 1001; echo never").OnHost(host).WithTimeout(TimeSpan.FromSeconds(1)).Capture());
        Assert.Equal(ExitStatus.Killed(15), timedOut.ExitStatus);
        SshLab.AssertGone("sleep\01001");
    }

    [SshFact]
    public async Task A_cancellation_ends_the_whole_remote_tree()
    {
        using SshHost host = lab.Host(2);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Command.Shell("sleep 1002 & sleep 1002").OnHost(host).CaptureAsync(cancellationToken: cancel.Token));
        SshLab.AssertGone("sleep\01002");
    }

    [SshFact]
    public void Dispose_and_kill_of_a_started_remote_child_end_its_tree()
    {
        using SshHost host = lab.Host(3);
        using (ChildProcess child = Command.Shell("sleep 1003 & sleep 1003").OnHost(host).Start())
        {
            SshLab.WaitFor("sleep\01003");
        }
        SshLab.AssertGone("sleep\01003");

        using ChildProcess killed = Command.Shell("trap '' TERM; sleep 1004 & sleep 1004").OnHost(host).Start();
        SshLab.WaitFor("sleep\01004");
        killed.Kill();
        Assert.Equal(ExitStatus.Killed(9), killed.Wait(TimeSpan.FromSeconds(20)));
        SshLab.AssertGone("sleep\01004");
    }

    [SshFact]
    public void A_pipeline_with_a_stage_on_a_host_is_ended_whole_whichever_stage_is_remote()
    {
        using SshHost host = lab.Host(1);
        // The remote stage first: its ssh leads the local group, where cat is too.
        Assert.Throws<ProcessTimeoutException>(() =>
            (Command.Shell("sleep 1008 & sleep 1008").OnHost(host) | Command.Create("cat")).WithTimeout(TimeSpan.FromSeconds(1)).Capture());
        SshLab.AssertGone("sleep\01008");
        // The remote stage last, ignoring SIGTERM: the group's SIGTERM ends its local ssh, and the SIGKILL
        // after the grace must still reach the host.
        Assert.Throws<ProcessTimeoutException>(() =>
            (Command.Create("true") | Command.Shell("trap '' TERM; sleep 1009 & sleep 1009").OnHost(host))
                .WithTimeout(TimeSpan.FromSeconds(1)).WithGracePeriod(TimeSpan.FromSeconds(1)).Capture());
        SshLab.AssertGone("sleep\01009");
    }

    [SshFact]
    public void Closing_the_host_ends_what_still_runs_there()
    {
        SshHost host = lab.Host(2);
        using ChildProcess child = Command.Shell("sleep 1005 & sleep 1005").OnHost(host).WithStdout(Stdio.Null).Start();
        SshLab.WaitFor("sleep\01005");
        host.Dispose();
        SshLab.AssertGone("sleep\01005");
        Assert.Equal(ExitStatus.Exited(143), child.Wait(TimeSpan.FromSeconds(20)));
    }

    [SshFact]
    public void This_process_ending_ends_its_remote_commands()
    {
        // The helper starts a remote sleep, then, once it runs, exits (as a program ending normally does), and its exit
        // handler, or the connection's anchor when its master dies with it, ends the remote tree.
        using var process = TestChildProgram.Verb("remote-sleep", lab.ConfigFile, "lab3", "1006").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
        Assert.Equal("started", new StreamReader(process.Stdout).ReadLine());
        SshLab.WaitFor("sleep\01006");
        process.Stdin.Write("go\n"u8);
        process.Stdin.Close();
        Assert.Equal(ExitStatus.Exited(0), process.Wait(TimeSpan.FromSeconds(30)));
        SshLab.AssertGone("sleep\01006");
    }

    [SshFact]
    public void A_host_that_cannot_be_reached_is_a_connection_error_naming_it()
    {
        using var host = new SshHost("lab1") { ConfigFile = lab.ConfigFile, SshOptions = ["-o", "Port=1"] };
        var error = Assert.Throws<SshConnectionException>(() => Command.Create("true").OnHost(host).Run());
        Assert.Equal("lab1", error.Host);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(host.IsConnected);
    }

    [SshFact]
    public async Task A_host_lost_while_a_command_runs_is_a_connection_error_not_a_status()
    {
        var own = new SshLab();
        await own.InitializeAsync();
        try
        {
            using SshHost host = own.Host(1);
            using ChildProcess child = Command.Create("sleep", "1007").OnHost(host).Start();
            SshLab.WaitFor("sleep\01007");
            own.StopServer(1);
            var error = Assert.Throws<SshConnectionException>(() => child.Wait(TimeSpan.FromSeconds(20)));
            Assert.Equal("lab1", error.Host);
            Assert.False(host.IsConnected);
            Assert.Throws<SshConnectionException>(() => Command.Create("true").OnHost(host).Run());
            SshLab.AssertGone("sleep\01007");
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [SshFact]
    public void Many_commands_share_one_connection()
    {
        using SshHost host = lab.Host(1);
        host.Connect();
        int before = ChildrenStarted;
        Task<CapturedResult>[] runs = [.. Enumerable.Range(0, 20).Select(i => Command.Create("echo", $"{i}").OnHost(host).CaptureAsync())];
        Task.WaitAll(runs);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{i}\n"), runs.Select(run => run.Result.StdoutText));
        Assert.Equal(20, ChildrenStarted - before); // one ssh each, and no new master
        Assert.True(host.IsConnected);
    }

    [SshFact]
    public void A_detached_command_on_a_host_is_refused_before_anything_runs()
    {
        using SshHost host = lab.Host(2);
        var refused = Assert.Throws<ProcessStartException>(() => Command.Create("sleep", "1013").Detached().OnHost(host).Start());
        Assert.Contains("cannot be detached", refused.Message);
        Assert.Equal(0, SshLab.Running("sleep\01013"));
    }

    [Fact]
    public void A_destination_that_ssh_would_read_as_an_option_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SshHost("-oProxyCommand=evil"));
        Assert.Throws<ArgumentException>(() => new SshHost("two words"));
        Assert.Throws<ArgumentException>(() => new SshHost(""));
    }
}

/// <summary>A remote spec of raw (non-UTF-8) bytes, which only the Linux spawner hands to ssh; skipped,
/// with the reason, on the portable one and where sshd is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeSshFactAttribute : FactAttribute
{
    public NativeSshFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = SshLab.Unavailable ?? (Subprocess.Spawning.Spawners.Default is Subprocess.Spawning.PortableSpawner
            ? "a guarantee of the Linux spawner; the portable spawner passes only valid UTF-8 to ssh, as to any child"
            : null);
    }
}

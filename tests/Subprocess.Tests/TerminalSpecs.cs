using System.Text;
using System.Text.RegularExpressions;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>
/// <c>WithTerminal</c>: a child on a pseudo-terminal of its own, and <see cref="Terminal"/>, pexpect's
/// core over it. Real programs throughout: python3, bash, sh, stty, ls, sleep.
/// </summary>
public class TerminalSpecs : Spec
{
    private const string Portable = "refuses WithTerminal with PlatformNotSupportedException";

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    [NativeFact(Portable)]
    public void The_child_sees_a_terminal_on_0_1_and_2_and_a_pipe_without_one()
    {
        const string script = "import sys; print(sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty())";

        string onTerminal = Command.Create("python3", "-c", script).WithTerminal().Capture().StdoutText;
        string onPipes = Command.Create("python3", "-c", script).WithStdin(Stdio.Null).Capture().StdoutText;

        Assert.Equal("True True True\r\n", onTerminal);
        Assert.Equal("False False False\n", onPipes);
    }

    [NativeFact(Portable)]
    public void The_terminal_is_the_childs_controlling_terminal_a_dev_pts_of_the_asked_size()
    {
        const string script =
            "import os; print(os.ttyname(0)); print(os.getsid(0) == os.getpid(), os.tcgetpgrp(0) == os.getpgrp()); " +
            "open('/dev/tty').close(); print('dev-tty-opens')";

        string[] lines = Command.Create("python3", "-c", script).WithTerminal(100, 30).Capture().StdoutText.Split("\r\n");
        string size = Command.Create("stty", "size").WithTerminal(100, 30).Capture().StdoutText;

        Assert.Matches(@"^/dev/pts/\d+$", lines[0]);
        Assert.Equal("True True", lines[1]); // leads its session, and is the terminal's foreground group
        Assert.Equal("dev-tty-opens", lines[2]);
        Assert.Equal("30 100\r\n", size);
    }

    [NativeFact(Portable)]
    public async Task An_interactive_bash_answers_stty_size_before_and_after_a_resize()
    {
        await using ChildProcess bash = Interactive("bash", "--norc", "--noprofile", "-i").WithTerminal(100, 30).Start();
        Terminal terminal = bash.Terminal;
        await terminal.ExpectAsync("ready> ", Generous);

        await terminal.SendLineAsync("stty size");
        string before = await terminal.ExpectAsync(new Regex(@"\d+ \d+\r\n"), Generous);
        await terminal.ExpectAsync("ready> ", Generous);
        terminal.Resize(120, 40);
        await terminal.SendLineAsync("stty size");
        string after = await terminal.ExpectAsync(new Regex(@"\d+ \d+\r\n"), Generous);
        await terminal.SendLineAsync("exit 3");

        Assert.EndsWith("30 100\r\n", before);
        Assert.EndsWith("40 120\r\n", after);
        Assert.Equal(ExitStatus.Exited(3), await bash.WaitAsync());
    }

    [NativeFact(Portable)]
    public async Task A_resize_sends_the_foreground_job_SIGWINCH()
    {
        await using ChildProcess child = Command.Shell("trap 'stty size; echo winched' WINCH; echo armed; while :; do sleep 0.05; done")
            .WithTerminal().Start();
        await child.Terminal.ExpectAsync("armed", Generous);

        child.Terminal.Resize(132, 50);

        string seen = await child.Terminal.ExpectAsync("winched", Generous);
        Assert.Contains("50 132", seen, StringComparison.Ordinal);
    }

    [NativeFact(Portable)]
    public async Task A_getpass_prompt_is_answered_through_expect_and_the_password_is_not_echoed()
    {
        await using ChildProcess child = Command.Create("python3", "-c",
            "import getpass; p = getpass.getpass('Password: '); print('got', len(p), p[::-1])").WithTerminal().Start();

        await child.Terminal.ExpectAsync("Password: ", Generous);
        await child.Terminal.SendLineAsync("hunter2");
        string rest = await child.Terminal.ExpectAsync("2retnuh", Generous);

        Assert.Contains("got 7", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", rest, StringComparison.Ordinal);
        Assert.Equal(ExitStatus.Exited(0), await child.WaitAsync());
    }

    [NativeFact(Portable)]
    public async Task Ctrl_C_typed_at_the_terminal_interrupts_the_foreground_job()
    {
        await using ChildProcess sleep = Command.Create("sleep", "100").WithTerminal().Start();
        // A Ctrl-C reaches only a foreground group: under emulation posix_spawn returns before the child
        // has taken the terminal (natively, after its exec).
        Assert.True(await ProcessTree.Within(() => ProcessTree.LeadsItsTerminal(sleep.Pid), Generous), "the child never took its terminal");

        await sleep.Terminal.Stream.WriteAsync("\x03"u8.ToArray());

        using var cancel = new CancellationTokenSource(Generous);
        Assert.Equal(ExitStatus.Killed(2), await sleep.WaitAsync(cancel.Token));
    }

    [NativeFact(Portable)]
    public void ls_colours_its_output_under_a_terminal_and_not_under_a_pipe()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-ls-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            Command ls = Command.Create("ls", "--color=auto", dir).WithEnvironment("TERM", "xterm").WithEnvironment("LS_COLORS", (string?)null);

            string coloured = ls.WithTerminal().Capture().StdoutText;
            string plain = ls.Capture().StdoutText;

            Assert.Contains("\x1b[", coloured, StringComparison.Ordinal);
            Assert.Contains("sub", coloured, StringComparison.Ordinal);
            Assert.Equal("sub\n", plain);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [NativeFact(Portable)]
    public async Task Read_as_lines_a_terminal_gives_stdout_lines_without_the_terminals_carriage_returns()
    {
        var lines = new List<OutputLine>();
        await foreach (OutputLine line in Command.Shell("echo one; echo two >&2; printf 'three'").WithTerminal().ReadLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal([new("one", OutputStream.Stdout), new("two", OutputStream.Stdout), new("three", OutputStream.Stdout)], lines);
    }

    [NativeFact(Portable)]
    public async Task A_started_terminal_childs_lines_are_read_live_with_ReadLinesAsync()
    {
        await using ChildProcess child = Command.Shell("echo first; read answer; echo \"got $answer\"").WithTerminal().Start();
        var lines = new List<string>();

        await foreach (OutputLine line in child.ReadLinesAsync())
        {
            lines.Add(line.Text);
            if (line.Text == "first")
            {
                await child.Terminal.SendLineAsync("yes"); // only possible while it runs: the line came live
            }
        }

        Assert.Equal(["first", "yes", "got yes"], lines); // the typed answer is echoed, as on any terminal
    }

    [NativeFact(Portable)]
    public async Task Nothing_written_before_the_exit_is_lost_however_much()
    {
        string expected = new string('x', 300_000) + "\r\nEND\r\n";
        const string script = "head -c 300000 /dev/zero | tr '\\0' x; echo; echo END";

        string captured = Command.Shell(script).WithTerminal().Capture().StdoutText;
        await using ChildProcess child = Command.Shell(script).WithTerminal().Start();
        var read = new MemoryStream();
        await child.Terminal.Stream.CopyToAsync(read);

        Assert.Equal(expected.Length, captured.Length);
        Assert.Equal(expected, captured);
        Assert.Equal(expected, Encoding.UTF8.GetString(read.ToArray()));
        Assert.Equal(ExitStatus.Exited(0), await child.WaitAsync());
    }

    [NativeFact(Portable)]
    public async Task An_expect_timeout_carries_what_was_seen_and_consumes_none_of_it()
    {
        await using ChildProcess child = Command.Shell("echo hello; sleep 30").WithTerminal().Start();

        var timeout = await Assert.ThrowsAsync<ExpectTimeoutException>(() => child.Terminal.ExpectAsync("never", TimeSpan.FromSeconds(0.5)));
        string again = await child.Terminal.ExpectAsync("hello", Generous);

        Assert.Equal("hello\r\n", timeout.Seen);
        Assert.Equal("\"never\"", timeout.Expected);
        Assert.Contains("hello\\r\\n", timeout.Message, StringComparison.Ordinal);
        Assert.Equal("hello", again);
    }

    [NativeFact(Portable)]
    public async Task What_follows_a_match_is_left_for_the_next_expect_and_for_the_stream()
    {
        await using ChildProcess child = Command.Shell("printf 'alpha beta gamma'").WithTerminal().Start();

        string first = await child.Terminal.ExpectAsync(new Regex("a.p"), Generous);
        string second = await child.Terminal.ExpectAsync("beta", Generous);
        string rest = await new StreamReader(child.Terminal.Stream).ReadToEndAsync();

        Assert.Equal("alp", first);
        Assert.Equal("ha beta", second);
        Assert.Equal(" gamma", rest);
    }

    [NativeFact(Portable)]
    public async Task The_end_of_the_output_before_a_match_is_an_end_of_stream_error_carrying_what_was_seen()
    {
        await using ChildProcess child = Command.Shell("echo bye").WithTerminal().Start();

        var end = await Assert.ThrowsAsync<ExpectEndOfStreamException>(() => child.Terminal.ExpectAsync("never", Generous));

        Assert.Equal("bye\r\n", end.Seen);
        Assert.Equal(ExitStatus.Exited(0), await child.WaitAsync());
    }

    [NativeFact(Portable)]
    public async Task Disposal_and_a_timeout_end_a_terminal_child_as_they_end_any_other()
    {
        string marker = $"subproc-pty-{Guid.NewGuid():N}";
        ChildProcess child = Command.Shell("sleep 100 & wait").Marked(marker).WithTerminal().Start();
        Assert.True(await ProcessTree.Within(() => ProcessTree.AnyRunning(marker), Generous));
        await child.DisposeAsync();
        Assert.True(await ProcessTree.GoneWithin(marker, Generous), "the terminal child's tree outlived its handle");

        var timedOut = Assert.Throws<ProcessTimeoutException>(() =>
            Command.Shell("echo started; sleep 100").WithTerminal().WithTimeout(TimeSpan.FromSeconds(0.5)).Capture());
        Assert.Equal("started\r\n", Encoding.UTF8.GetString(timedOut.Stdout));
    }

    [NativeFact(Portable)]
    public async Task No_terminal_descriptor_outlives_its_child()
    {
        int before = TerminalDescriptors();
        await using (ChildProcess child = Command.Create("true").WithTerminal().Start())
        {
            _ = child.Terminal.Stream;
            await child.WaitAsync();
        }
        Command.Create("true").WithTerminal().Capture();

        Assert.Equal(before, TerminalDescriptors());
    }

    [NativeFact(Portable)]
    public async Task What_an_expect_read_past_its_match_goes_to_the_lines_read_after_it()
    {
        await using ChildProcess child = Command.Shell("printf 'alpha\\nbeta\\ngamma\\n'").WithTerminal().Start();
        await child.Terminal.ExpectAsync("alpha", Generous);
        await ProcessTree.Within(() => child.Poll() is not null, Generous); // so the expect surely read past its match

        var lines = new List<string>();
        await foreach (OutputLine line in child.ReadLinesAsync())
        {
            lines.Add(line.Text);
        }

        Assert.Equal(["", "beta", "gamma"], lines);
        Assert.Throws<InvalidOperationException>(() => child.Terminal.Stream.ReadByte()); // the lines read it now
    }

    [NativeFact(Portable)]
    public async Task A_second_reader_of_the_terminal_is_refused_while_one_waits()
    {
        await using ChildProcess child = Command.Create("sleep", "30").WithTerminal().Start();
        Task<string> expecting = child.Terminal.ExpectAsync("never", TimeSpan.FromSeconds(30));

        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => child.Terminal.Stream.ReadAsync(new byte[16]).AsTask());

        Assert.Contains("await it first", second.Message, StringComparison.Ordinal);
        child.Kill();
        await Assert.ThrowsAsync<ExpectEndOfStreamException>(() => expecting);
    }

    [NativeFact(Portable)]
    public async Task Disposing_an_interactive_shell_hangs_it_up_so_its_jobs_end_too()
    {
        string marker = $"subproc-pty-job-{Guid.NewGuid():N}";
        // A long grace period: ended by SIGTERM and SIGKILL alone, bash (which ignores SIGTERM) would hold the dispose
        // for all of it, and its background job, in a process group of its own, would outlive it.
        ChildProcess bash = Interactive("bash", "--norc", "--noprofile", "-i").Marked(marker).WithGracePeriod(TimeSpan.FromSeconds(60)).WithTerminal().Start();
        await bash.Terminal.ExpectAsync("ready> ", Generous);
        await bash.Terminal.SendLineAsync("sleep 1000 &");
        await bash.Terminal.ExpectAsync("ready> ", Generous);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await bash.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the dispose took {clock.Elapsed}: the shell waited out the grace period");
        Assert.True(await ProcessTree.GoneWithin(marker, Generous), "the shell's background job outlived its terminal");
    }

    [NativeFact(Portable)]
    public async Task A_blocking_read_ends_when_the_child_is_disposed_even_while_something_still_holds_the_terminal()
    {
        string marker = $"subproc-pty-holder-{Guid.NewGuid():N}";
        try
        {
            // The holder says so once it has left the child's session, where the hang-up would reach it.
            ChildProcess child = Command.Shell("setsid sh -c 'echo held; exec sleep 30' & wait").Marked(marker).WithTerminal().Start();
            await child.Terminal.ExpectAsync("held\r\n", Generous);
            Task<int> reading = Task.Run(() => child.Terminal.Stream.Read(new byte[16]));

            await child.DisposeAsync();

            Exception? ended = await Record.ExceptionAsync(() => reading.WaitAsync(Generous));
            Assert.True(ended is ObjectDisposedException, $"the read ended with {(ended is null ? $"{reading.Result} bytes" : ended.GetType().Name)}");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }

    [Fact]
    public void Bad_sizes_are_refused_where_they_are_given()
    {
        Command command = Command.Create("true");

        Assert.Throws<ArgumentOutOfRangeException>(() => command.WithTerminal(0, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => command.WithTerminal(80, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => command.WithTerminal(65_536, 24));
    }

    [NativeFact(Portable)]
    public async Task Misuse_of_a_terminal_child_is_refused_with_a_clear_exception()
    {
        await using ChildProcess plain = Command.Create("true").WithStdout(Stdio.Null).Start();
        var noTerminal = Assert.Throws<InvalidOperationException>(() => plain.Terminal);
        Assert.Contains("WithTerminal", noTerminal.Message, StringComparison.Ordinal);

        await using ChildProcess child = Command.Create("sleep", "30").WithTerminal().Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => child.Terminal.Resize(0, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => child.Terminal.ExpectAsync("x", TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentException>(() => child.Terminal.ExpectAsync(""));
        Task<string> waiting = child.Terminal.ExpectAsync("never", TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<InvalidOperationException>(() => child.Terminal.ExpectAsync("again"));
        child.Kill();
        await Assert.ThrowsAsync<ExpectEndOfStreamException>(() => waiting);
        await Assert.ThrowsAsync<IOException>(() => child.Terminal.SendLineAsync("too late"));
        await child.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => child.Terminal.Stream.ReadByte());
    }

    [Fact]
    public void Run_input_and_pipelines_that_cannot_use_a_terminal_are_refused_before_anything_starts()
    {
        Command terminal = Command.Create("cat").WithTerminal();

        var run = Assert.Throws<InvalidOperationException>(() => terminal.Run());
        // Stdin moved off the terminal: what goes to it would still fill it, with nothing to read it.
        Assert.Throws<InvalidOperationException>(() => Command.Create("yes").WithTerminal().WithStdin(Stdio.Null).Run());
        var input = Assert.Throws<InvalidOperationException>(() => terminal.Capture("x"u8.ToArray()));
        var pipeline = Assert.Throws<ArgumentException>(() => Command.Create("echo") | terminal.WithStdin(Stdio.Inherit).WithStdout(Stdio.Inherit));

        Assert.Contains("Capture", run.Message, StringComparison.Ordinal);
        Assert.Contains("Terminal (SendLineAsync", input.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline", pipeline.Message, StringComparison.Ordinal);
        Assert.Equal(0, ChildrenStarted);
    }

    [Fact]
    public void The_portable_spawner_refuses_a_terminal()
    {
        using var portable = Spawner.Use(SpawnerKind.Portable);

        var refused = Assert.Throws<PlatformNotSupportedException>(() => Command.Create("true").WithTerminal().Start());

        Assert.Contains("Linux spawner", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, ChildrenStarted);
    }

    /// <summary>A shell with a known prompt and a plain terminal type (no colour, no bracketed paste).</summary>
    private static Command Interactive(string program, params string[] arguments) =>
        Command.Create(program, arguments).WithEnvironment("PS1", "ready> ").WithEnvironment("TERM", "dumb");

    private static int TerminalDescriptors() =>
        ProcessTree.DescriptorTargets().Count(target => target.StartsWith("/dev/pts/", StringComparison.Ordinal) || target == "/dev/ptmx");
}

using System.Collections.Immutable;
using System.Text;
using Subprocess.ShellScripts;

namespace Subprocess;

/// <summary>
/// A description of one program to run: program, arguments, working directory, environment, where
/// its standard streams go, timeout and check. Immutable: every <c>With*</c> returns a new
/// <see cref="Command"/>, so a command can be shared and started many times. Nothing runs until
/// <see cref="Start"/>, <see cref="Run"/> or <see cref="Capture(ReadOnlyMemory{byte})"/>.
/// </summary>
/// <example><code>
/// var result = Command.Create("git", "rev-parse", "HEAD").WithWorkingDirectory(repo).Capture();
/// string commit = result.StdoutText.Trim();
/// </code></example>
public sealed partial class Command
{
    private readonly CommandSpec _spec;

    internal Command(CommandSpec spec) => _spec = spec;

    internal CommandSpec Spec => _spec;

    /// <summary>
    /// A command that runs <paramref name="program"/> with <paramref name="arguments"/>, passed to the
    /// child as an argv array byte for byte (UTF-8), never through a shell. A program without a
    /// <c>/</c> is looked up on the child's PATH when the command starts.
    /// </summary>
    /// <exception cref="ArgumentException">The program is empty, or the program or an argument holds a NUL character.</exception>
    public static Command Create(string program, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        RejectUnpassable(program, nameof(program), "The program");
        return new(new CommandSpec(program, ValidArguments(arguments, 0)));
    }

    /// <summary>
    /// A command that runs <paramref name="script"/> with <c>/bin/sh -c</c>: the one way this library
    /// involves a shell. The script is taken as written; given as an interpolated string (<c>$"..."</c>),
    /// the overload below quotes each value instead.
    /// </summary>
    /// <example><code>Command.Shell("yes | head -n 3").Capture().StdoutText == "y\ny\ny\n"</code></example>
    public static Command Shell(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Create("/bin/sh", "-c", script);
    }

    /// <summary>
    /// A command that runs an interpolated script with <c>/bin/sh -c</c>, each value in braces quoted for
    /// the place it stands in (bare, in single or double quotes, inside <c>$(...)</c> or <c>${...}</c>, in a
    /// comment), so that this shell reads it as one literal value and never runs it, whatever it holds. A
    /// string that a second shell reads again (<c>trap '...'</c>, <c>eval</c>, <c>sh -c '...'</c>,
    /// <c>ssh host '...'</c>) gets the value quoted for this shell only: quote it for that one with
    /// <see cref="ShellQuote"/> first. An empty sequence standing alone leaves no word at all.
    /// A sequence of strings standing alone is one word each (within a word, one value). As zx's and
    /// execa's template literals. Only an interpolated string written in the call itself comes here: one
    /// built first (<c>var s = $"..."</c>), joined with <c>+</c>, or chosen by <c>?:</c> is a plain string,
    /// taken as written.
    /// </summary>
    /// <example>
    /// <code>
    /// string pattern = "x; rm -rf ~";
    /// Command.Shell($"grep -c {pattern} {file} | sort");   // grep -c 'x; rm -rf ~' notes.txt | sort
    /// Command.Shell($"echo \"hello, {name}\"");            // "hello, $USER" stays as typed
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">A value stands where no quoting is sure: inside backquotes
    /// (write <c>$(...)</c>), right after a backslash or a <c>$</c>, or in a here-document; or the script
    /// leaves a quote, <c>$(</c> or <c>${</c> open.</exception>
    public static Command Shell(ref ShellInterpolatedStringHandler script) => Shell(script.ToScript());

    /// <summary>
    /// <paramref name="value"/> as one word for <c>/bin/sh</c>, as Python's <c>shlex.quote</c> writes it:
    /// unchanged if it holds only letters, digits and <c>@%+=:,./_-</c>, else in single quotes.
    /// For a script of your own making; <c>Command.Shell($"...")</c> quotes its values itself.
    /// </summary>
    /// <example><code>Command.ShellQuote("it's") == "'it'\"'\"'s'"</code></example>
    public static string ShellQuote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ShellQuoting.Word(value);
    }

    /// <summary>The program as given to <see cref="Create"/> (also the child's argv[0]).</summary>
    public string Program => _spec.Program;

    /// <summary>The arguments after argv[0], in order.</summary>
    public IReadOnlyList<string> Arguments => _spec.Arguments;

    /// <summary>The working directory the child starts in; null means the parent's current directory.</summary>
    public string? WorkingDirectory => _spec.WorkingDirectory;

    /// <summary>The timeout set by <see cref="WithTimeout"/>, or null.</summary>
    public TimeSpan? Timeout => _spec.Timeout;

    /// <summary>The command line as a POSIX shell would write it, for messages and logs.</summary>
    public override string ToString() => _spec.CommandLine;

    /// <summary>A command with <paramref name="arguments"/> appended to the current ones.</summary>
    /// <exception cref="ArgumentException">An argument holds a NUL character.</exception>
    public Command WithArguments(params IEnumerable<string> arguments) =>
        new(_spec with { Arguments = _spec.Arguments.AddRange(ValidArguments(arguments, _spec.Arguments.Length)) });

    /// <summary>
    /// A command with one more argument given as raw bytes, which need not be valid UTF-8 (a file
    /// name from another system, say): on Linux the child receives exactly these bytes.
    /// <see cref="Arguments"/> shows it decoded, with U+FFFD for invalid bytes. The portable spawner
    /// accepts only valid UTF-8.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes hold a NUL.</exception>
    public Command WithRawArgument(ReadOnlySpan<byte> argument)
    {
        if (argument.Contains((byte)0))
        {
            throw new ArgumentException($"Argument {_spec.Arguments.Length + 1} contains a NUL byte, which cannot be passed to a process.", nameof(argument));
        }
        return new(_spec with
        {
            Arguments = _spec.Arguments.Add(Encoding.UTF8.GetString(argument)),
            RawArguments = _spec.RawArguments.SetItem(_spec.Arguments.Length, argument.ToArray()),
        });
    }

    /// <summary>
    /// A command whose child starts in <paramref name="path"/>; a relative program path (one with a
    /// <c>/</c>) is then relative to it too. The directory must exist when the command starts, or
    /// <c>Start</c> throws <see cref="ProcessStartException"/>.
    /// </summary>
    public Command WithWorkingDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RejectUnpassable(path, nameof(path), "The working directory");
        return new(_spec with { WorkingDirectory = Path.GetFullPath(path), WorkingDirectoryAsGiven = path });
    }

    /// <summary>A command that sets <paramref name="name"/> to <paramref name="value"/> (UTF-8) in the
    /// child's environment, or removes it when <paramref name="value"/> is null.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds <c>=</c> or NUL, or the value holds NUL.</exception>
    public Command WithEnvironment(string name, string? value)
    {
        ValidateName(name);
        if (value is null)
        {
            return new(_spec with { Environment = _spec.Environment.SetItem(name, null) });
        }
        RejectUnpassable(value, nameof(value), $"The value of environment variable {name}");
        return new(_spec with { Environment = _spec.Environment.SetItem(name, Encoding.UTF8.GetBytes(value)) });
    }

    /// <summary>
    /// A command that sets <paramref name="name"/> to the raw bytes <paramref name="value"/>, which
    /// need not be valid UTF-8: on Linux the child receives exactly these bytes. The portable
    /// spawner accepts only valid UTF-8.
    /// </summary>
    /// <example><code>cmd.WithEnvironment("password", "\xe24U\n\xd0Ql3S\x11"u8 /* any bytes */)</code></example>
    /// <exception cref="ArgumentException">The name is empty or holds <c>=</c> or NUL, or the value holds NUL.</exception>
    public Command WithEnvironment(string name, ReadOnlySpan<byte> value)
    {
        ValidateName(name);
        if (value.Contains((byte)0))
        {
            throw new ArgumentException(
                $"The value of environment variable {name} contains a NUL byte, which cannot be passed to a process.", nameof(value));
        }
        return new(_spec with { Environment = _spec.Environment.SetItem(name, value.ToArray()) });
    }

    /// <summary>A command whose child starts from an empty environment, holding only what
    /// <see cref="WithEnvironment(string, string)"/> adds (before or after this call). Without PATH,
    /// programs are looked up in <c>/usr/bin:/bin</c>.</summary>
    public Command WithCleanEnvironment() => new(_spec with { CleanEnvironment = true });

    /// <summary>Where the child's standard input comes from (default <see cref="Stdio.Inherit"/>).</summary>
    /// <exception cref="ArgumentException"><see cref="Stdio.ToStdout"/>, which only stderr can take, or
    /// <see cref="Stdio.Lines"/>, which only output can.</exception>
    public Command WithStdin(Stdio stdin) => new(_spec with
    {
        Stdin = NotToStdout(stdin, nameof(stdin)) is Stdio.LinesTarget
            ? throw new ArgumentException("Stdio.Lines takes a child's output; for its input, use Capture(input), Stdio.Stream or Stdio.Pipe.", nameof(stdin))
            : stdin,
    });

    /// <summary>Where the child's standard output goes (default <see cref="Stdio.Inherit"/>;
    /// <see cref="Capture(ReadOnlyMemory{byte})"/> pipes it when left at the default).</summary>
    /// <exception cref="ArgumentException"><see cref="Stdio.ToStdout"/>, which only stderr can take, or
    /// <see cref="Stdio.Bytes"/>, which only stdin can.</exception>
    public Command WithStdout(Stdio stdout) => new(_spec with { Stdout = NotInputOnly(NotToStdout(stdout, nameof(stdout)), nameof(stdout)) });

    /// <summary>Where the child's standard error goes (default <see cref="Stdio.Inherit"/>;
    /// <see cref="Capture(ReadOnlyMemory{byte})"/> pipes it when left at the default). <see cref="Stdio.ToStdout"/> joins it to stdout.</summary>
    /// <exception cref="ArgumentException"><see cref="Stdio.Bytes"/>, which only stdin can take.</exception>
    public Command WithStderr(Stdio stderr) => new(_spec with { Stderr = NotInputOnly(stderr, nameof(stderr)) });

    /// <summary>
    /// A command whose child's stdin, stdout and stderr are the slave of a new pseudo-terminal of
    /// <paramref name="columns"/> by <paramref name="rows"/>, which is also its controlling terminal (it
    /// leads a new session, and its process group is its own): <c>isatty</c> is true on 0, 1 and 2,
    /// <c>/dev/tty</c> opens, <c>stty size</c> answers the size, and Ctrl-C typed there interrupts it.
    /// Programs that change behaviour without a terminal (<c>ls --color=auto</c>, progress bars) or
    /// only talk to one (password prompts, <c>bash -i</c>) work as they do for a person. Talk to it
    /// through <see cref="ChildProcess.Terminal"/> after <see cref="Start"/>; <see cref="Capture(ReadOnlyMemory{byte})"/> and
    /// <see cref="ReadLinesAsync"/> read what it shows as stdout (<c>\n</c> shows as <c>\r\n</c>, and
    /// input is echoed, as on any terminal). A later <see cref="WithStdout"/> (or stdin, stderr)
    /// moves that one stream elsewhere. Linux spawner only: Python's <c>pty</c> and pexpect, node-pty.
    /// </summary>
    /// <example><code>
    /// await using ChildProcess child = Command.Create("python3", "-c", "import getpass; print(len(getpass.getpass()))").WithTerminal().Start();
    /// await child.Terminal.ExpectAsync("Password: ");
    /// await child.Terminal.SendLineAsync("hunter2");
    /// string echo = await child.Terminal.ExpectAsync("7");
    /// </code></example>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1 or above 65,535.</exception>
    /// <remarks>Starting it throws <see cref="PlatformNotSupportedException"/> with the portable spawner,
    /// and joining it into a pipeline throws <see cref="ArgumentException"/> (it leads a session of its own,
    /// outside the pipeline's process group).</remarks>
    public Command WithTerminal(int columns = 80, int rows = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, ushort.MaxValue);
        var terminal = new Stdio.TerminalTarget(columns, rows);
        return new(_spec with { Stdin = terminal, Stdout = terminal, Stderr = terminal });
    }

    /// <summary>
    /// A command that <see cref="Run"/> and <see cref="Capture(ReadOnlyMemory{byte})"/> end after <paramref name="timeout"/>:
    /// SIGTERM to the child's whole process group, then SIGKILL after the grace period
    /// (<see cref="WithGracePeriod"/>), then <see cref="ProcessTimeoutException"/> with the output
    /// captured so far. A command with a timeout starts in its own process group, unless it reads this
    /// process's terminal (a stdin left inherited that is one): outside the terminal's foreground group,
    /// reading it would stop the child until the timeout. That child is ended alone, as
    /// <c>timeout --foreground</c> ends its; <c>WithStdin(Stdio.Null)</c> or <see cref="WithNewProcessGroup"/>
    /// end the tree instead.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    public Command WithTimeout(TimeSpan timeout)
    {
        PositiveTimeout(timeout, "to run without one, do not call WithTimeout");
        return new(_spec with { Timeout = timeout });
    }

    /// <summary>
    /// A command whose child leads its own process group, so <see cref="ChildProcess.KillTree"/> and
    /// friends reach everything it starts, and so that ending it (on <see cref="ChildProcess.Dispose"/>,
    /// cancellation, or this process's exit) ends its tree. Commands with a timeout or an output limit,
    /// <see cref="RunAsync"/>/<see cref="CaptureAsync(ReadOnlyMemory{byte}, CancellationToken)"/> given a token that can be cancelled, and
    /// pipeline stages get one anyway, unless they read this process's terminal. A child
    /// without one is ended alone: whatever it started keeps running. A child in its own group is
    /// not in the terminal's foreground group: it no longer receives the terminal's Ctrl-C with its
    /// parent (the library ends it when the parent exits instead), and reading the terminal stops
    /// it.
    /// </summary>
    public Command WithNewProcessGroup() => new(_spec with { NewProcessGroup = true });

    /// <summary>
    /// A command whose child is left running: not ended by <see cref="ChildProcess.Dispose"/>, nor when
    /// this process exits, nor by its Ctrl-C (it leads its own process group). It is still reaped
    /// when it exits, so it never lingers as a zombie.
    /// </summary>
    /// <example><code>Command.Create("my-daemon").Detached().Start().Dispose(); // keeps running</code></example>
    public Command Detached() => new(_spec with { Detached = true, NewProcessGroup = true });

    /// <summary>How long a timed-out or disposed child has between SIGTERM and SIGKILL (default 2 s).
    /// Zero sends SIGKILL at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gracePeriod"/> is negative.</exception>
    public Command WithGracePeriod(TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        return new(_spec with { GracePeriod = gracePeriod });
    }

    /// <summary>
    /// How long, once the child's exit has been seen, its stdout and stderr are still read while
    /// something else holds them open (a grandchild in the background) before they are abandoned
    /// (default 1 s). The bound is on total time: a holder that keeps writing does not extend it. What
    /// was read by then is the output, marked incomplete (<see cref="CapturedResult.OutputComplete"/>,
    /// <see cref="ProcessOutput.Complete"/> false). Waiting ends at the child's exit, not at end of
    /// file, so a forgotten grandchild cannot hang the caller. Zero abandons at once whatever has not
    /// reached end of file by the exit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="drainTimeout"/> is negative.</exception>
    public Command WithDrainTimeout(TimeSpan drainTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drainTimeout, TimeSpan.Zero);
        return new(_spec with { DrainTimeout = drainTimeout });
    }

    /// <summary>
    /// A command whose captured stdout and stderr may each hold at most <paramref name="maxBytes"/>
    /// (<see cref="Capture(ReadOnlyMemory{byte})"/>, <see cref="ChildProcess.Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/>). A child that writes more has its
    /// tree ended (SIGTERM, grace period, SIGKILL) and the call throws <see cref="OutputLimitException"/>
    /// naming the stream. So that the whole tree can be ended, a command with a limit starts in its
    /// own process group, as one with a timeout does (and with the same exception for a child sharing
    /// this process's terminal). Without a limit, a captured stream still stops
    /// that way at <see cref="Array.MaxLength"/> bytes (about 2 GiB), the most a byte[] holds. To keep
    /// large output without holding it in memory, send it to a file (<see cref="Stdio.File"/>) instead.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is zero or negative.</exception>
    public Command WithMaxOutput(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        return new(_spec with { MaxOutput = maxBytes });
    }

    /// <summary>
    /// How text is encoded going in (<see cref="Capture(string)"/>, <see cref="ChildProcess.Communicate(string, TimeSpan?)"/>)
    /// and decoded coming out (<c>StdoutText</c>, <c>StderrText</c>, <see cref="ReadLinesAsync"/>,
    /// <see cref="Stdio.Lines"/>): UTF-8 by default (Python's <c>encoding=</c>). Bytes that are not valid in
    /// it become U+FFFD. Lines are split at the byte <c>\n</c>, so the encoding must write <c>\n</c> as that
    /// byte alone (UTF-8, ASCII, Latin-1 and the single-byte code pages do; UTF-16 does not).
    /// </summary>
    /// <example><code>string text = Command.Create("iconv", "-t", "latin1", "notes.txt").WithEncoding(Encoding.Latin1).Capture().StdoutText;</code></example>
    /// <exception cref="ArgumentException">An encoding that does not write <c>\n</c> as the single byte 0x0A.</exception>
    public Command WithEncoding(System.Text.Encoding encoding) => new(_spec with { Encoding = LineCompatible(encoding) });

    /// <summary>Refuses an encoding whose lines the byte <c>\n</c> would not split.</summary>
    internal static System.Text.Encoding LineCompatible(System.Text.Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        return encoding.GetBytes("\n") is [(byte)'\n']
            ? encoding
            : throw new ArgumentException(
                $"{encoding.EncodingName} does not write a newline as the single byte 0x0A, so output in it cannot be split into lines; " +
                "read the bytes (Capture().Stdout) and decode them yourself.", nameof(encoding));
    }

    /// <summary>
    /// A command that runs on <paramref name="host"/> through ssh instead of on this machine (Fabric's
    /// <c>Connection.run</c>). Program, arguments, working directory (a relative one is relative to the
    /// login directory there) and the environment this command sets reach the remote program byte for
    /// byte; the rest of the remote environment is the login's. Its streams, timeout, check and results
    /// are as for a local command; a remote program killed by signal N exits 128+N, as a shell reports it
    /// (<see cref="ExitStatus.Killed"/> when this process sent the signal). The program is looked up on the
    /// remote PATH when the command runs: one not found there exits 127, as in a shell.
    /// </summary>
    /// <example><code>
    /// using var host = new SshHost("build@ci-arm");
    /// Command.Create("make", "-j8").WithWorkingDirectory("src/app").OnHost(host).WithTimeout(TimeSpan.FromMinutes(30)).Run();
    /// </code></example>
    /// <exception cref="SshConnectionException">(when the command runs) the host cannot be reached, or the
    /// connection was lost while it ran.</exception>
    public Command OnHost(SshHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new(_spec with { Host = host });
    }

    /// <summary>Whether <see cref="Run"/> and <see cref="Capture(ReadOnlyMemory{byte})"/> throw
    /// <see cref="ProcessFailedException"/> when the child does not exit with code 0 (default true,
    /// Python's <c>check=True</c>).</summary>
    public Command WithCheck(bool check) => new(_spec with { Check = check });
}

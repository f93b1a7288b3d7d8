using Microsoft.Win32.SafeHandles;

namespace Subprocess.Launching;

/// <summary>
/// One stage made ready to spawn: what its command says (<see cref="Command"/>, untouched), and
/// everything the launch decided. The program is resolved on the child's PATH, the environment
/// encoded and the working directory checked by <see cref="Create"/>, which throws
/// <see cref="ProcessStartException"/> for anything that would make the spawn fail; the launcher then
/// sets the child's descriptors, its process group and who reaps it.
/// </summary>
internal sealed record LaunchPlan
{
    private LaunchPlan(CommandSpec command, string executablePath, EnvironmentBlock environment, CommandSpec? executed = null)
    {
        Command = command;
        Executed = executed ?? command;
        ExecutablePath = executablePath;
        Environment = environment;
        Stdin = command.Stdin;
        Stdout = command.Stdout;
        Stderr = command.Stderr;
    }

    /// <summary>What the user said.</summary>
    public CommandSpec Command { get; }

    public string CommandLine => Command.CommandLine;

    /// <summary>What runs on this machine: the command itself, or, for a command on a remote host, the
    /// local <c>ssh</c> that runs it there (its program and arguments, and no working directory or
    /// environment changes of its own: those travel in the remote script). The spawners start this.</summary>
    public CommandSpec Executed { get; }

    /// <summary>The host the command runs on, the connection it starts on, and its job's name there; null for a local command.</summary>
    public (IRemoteHost Host, string Connection, string Job)? Remote { get; private init; }

    /// <summary>The absolute path that will be executed (the program as written, for a stand-in).</summary>
    public string ExecutablePath { get; }

    /// <summary>What a fake starts in place of the command (its script), for the fake that planned it; null for a
    /// command that really runs. Only the spawner that put it here reads it.</summary>
    public object? StandIn { get; private init; }

    public EnvironmentBlock Environment { get; }

    /// <summary>Where the child's standard streams go: the command's choice, except where the
    /// launcher joins stages (or pipes what a capture collects).</summary>
    public Stdio Stdin { get; init; }

    public Stdio Stdout { get; init; }

    public Stdio Stderr { get; init; }

    /// <summary>The pseudo-terminal the child gets, if any of its streams is set to one (the same for all).</summary>
    public Stdio.TerminalTarget? Terminal => Stdout as Stdio.TerminalTarget ?? Stderr as Stdio.TerminalTarget ?? Stdin as Stdio.TerminalTarget;

    /// <summary>A descriptor the launcher holds that the child gets as its stdin (the read end of the
    /// kernel pipe from the previous stage), in place of <see cref="Stdin"/>.</summary>
    public SafeFileHandle? StdinFrom { get; init; }

    /// <summary>The same for stdout: the write end of the kernel pipe to the next stage.</summary>
    public SafeFileHandle? StdoutTo { get; init; }

    /// <summary>The child's process group: <see cref="ParentGroup"/>, <see cref="NewGroup"/>, or the ID of a group to join.</summary>
    public int ProcessGroup { get; init; } = ParentGroup;

    /// <summary>Stay in this process's group.</summary>
    public const int ParentGroup = -1;

    /// <summary>Lead a group of its own.</summary>
    public const int NewGroup = 0;

    /// <summary>Whether the shared event loop leaves the child alone until told (<c>StartReaping</c>):
    /// a blocking call reaps its own children.</summary>
    public bool DeferReaping { get; init; }

    /// <summary>Resolves and checks <paramref name="command"/>.</summary>
    /// <exception cref="ProcessStartException">The working directory or the program is missing or unusable.</exception>
    public static LaunchPlan Create(CommandSpec command)
    {
        if (command.Host is { } host)
        {
            return OnHost(command, host);
        }
        if (command.WorkingDirectory is string dir && !Directory.Exists(dir))
        {
            string reason = System.IO.File.Exists(dir)
                ? $"the working directory {dir} is a file, not a directory"
                : $"the working directory {dir} does not exist";
            throw new ProcessStartException(command.Program, dir, Native.Errno.ENOENT, reason);
        }
        var environment = EnvironmentBlock.Create(command);
        string path = ProgramResolver.Resolve(command.Program, environment.SearchPath, command.WorkingDirectory);
        return new LaunchPlan(command, path, environment);
    }

    /// <summary>A plan for a command a fake stands in for: as written, nothing resolved or checked, no host
    /// reached (a test fakes <c>git</c> on a machine without it, in a directory that is not there).</summary>
    public static LaunchPlan InPlaceOf(CommandSpec command, object standIn) =>
        new(command, command.Program, EnvironmentBlock.Empty) { StandIn = standIn };

    /// <summary>The local <c>ssh</c> that runs <paramref name="command"/> on <paramref name="host"/>: with this
    /// process's environment (its agent, its configuration), the command's streams, timeout and group, and
    /// the command, directory and environment in the script it hands the remote shell, as raw bytes.</summary>
    private static LaunchPlan OnHost(CommandSpec command, IRemoteHost host)
    {
        if (command.Detached)
        {
            // Its host's connection ends every job of it when this process lets go: nothing there outlives it.
            throw new ProcessStartException(command.Program, command.WorkingDirectoryAsGiven, 0,
                $"a command on {host.Destination} cannot be detached: it ends with this process's connection to the host");
        }
        string job = host.NextJob();
        string connection = host.ConnectionId;
        (string program, IReadOnlyList<string> arguments) = host.Session;
        byte[] script = RemoteScript.Job(command, connection, job);
        var executed = command with
        {
            Program = program,
            Arguments = [.. arguments, System.Text.Encoding.UTF8.GetString(script)],
            RawArguments = System.Collections.Immutable.ImmutableDictionary<int, byte[]>.Empty.Add(arguments.Count, script),
            WorkingDirectory = null,
            WorkingDirectoryAsGiven = null,
            Environment = System.Collections.Immutable.ImmutableDictionary.Create<string, byte[]?>(StringComparer.Ordinal),
            CleanEnvironment = false,
            Host = null,
        };
        var environment = EnvironmentBlock.Create(executed);
        string path = ProgramResolver.Resolve(program, environment.SearchPath, null);
        return new LaunchPlan(command, path, environment, executed) { Remote = (host, connection, job) };
    }
}

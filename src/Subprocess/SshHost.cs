using System.Text;
using Subprocess.Launching;

namespace Subprocess;

/// <summary>
/// A machine that commands run on through the system's OpenSSH client, with the user's own
/// configuration, agent, keys, known hosts and jump hosts (Fabric's <c>Connection</c>). Give it to
/// <see cref="Command.OnHost"/>: the command's program, arguments, working directory and environment
/// reach the remote program byte for byte (quoted for the remote shell here, never by the caller), its
/// streams are the usual streams, and its status is the remote program's. The host needs only sshd and a
/// POSIX shell as the login shell.
/// <para>All commands on one host share one connection (an OpenSSH master, <c>ControlMaster</c>), opened
/// at the first command or by <see cref="Connect"/>, so a command costs a session, not a handshake. Ending
/// a remote command (a timeout, a cancellation, <c>Dispose</c>, <c>Kill</c>, this process's exit) ends its
/// whole process tree on the host, not only the local <c>ssh</c>; so does losing the connection.
/// <see cref="Dispose"/> closes the connection, ending whatever still runs there.</para>
/// </summary>
/// <example><code>
/// using var web = new SshHost("deploy@web1") { ConfigFile = "ops/ssh_config" };
/// string kernel = Command.Create("uname", "-r").OnHost(web).Capture().StdoutText;
/// </code></example>
public sealed class SshHost : IRemoteHost, IDisposable
{
    private readonly Lock _gate = new();
    private ChildProcess? _master;
    private string? _socketFolder;
    private string _connection = "";
    private string _lostReason = "";
    private long _jobs;
    private bool _disposed;

    /// <summary>A host reached as <c>ssh <paramref name="destination"/></c>.</summary>
    /// <param name="destination"><c>host</c>, <c>user@host</c> or a <c>Host</c> of the ssh configuration.</param>
    /// <exception cref="ArgumentException">The destination is empty, starts with <c>-</c> (ssh would read an
    /// option) or holds white space or a NUL.</exception>
    public SshHost(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (destination.StartsWith('-') || destination.AsSpan().ContainsAny(" \t\n\r\0"))
        {
            throw new ArgumentException($"'{destination}' is not an ssh destination: it starts with '-' or holds white space or a NUL.", nameof(destination));
        }
        Destination = destination;
    }

    /// <summary>The destination as given.</summary>
    public string Destination { get; }

    /// <summary>The ssh configuration file to use (<c>ssh -F</c>) instead of <c>~/.ssh/config</c>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The ssh client to run; <c>ssh</c> on this process's PATH by default.</summary>
    public string SshProgram { get; init; } = "ssh";

    /// <summary>More options for every ssh run, before the destination (<c>["-p", "2222"]</c>,
    /// <c>["-o", "ConnectTimeout=5"]</c>).</summary>
    public IReadOnlyList<string> SshOptions { get; init; } = [];

    /// <summary>Whether the shared connection is open now.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _master is not null && _master.Poll() is null;
            }
        }
    }

    /// <summary>Opens the shared connection now rather than at the first command (a no-op when it is open).</summary>
    /// <exception cref="SshConnectionException">ssh could not connect or authenticate; its message says why.</exception>
    /// <exception cref="SshConnectionException">... or the host was disposed.</exception>
    public void Connect()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new SshConnectionException(Destination, "the host was closed (SshHost.Dispose)");
            }
            if (_master is not null && _master.Poll() is null)
            {
                return;
            }
            CloseMaster();
            Open();
        }
    }

    /// <summary>Closes the shared connection: whatever still runs on the host through it is ended there
    /// (SIGTERM, two seconds, SIGKILL), then the master exits. Commands after this throw.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            CloseMaster();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Destination;

    string IRemoteHost.ConnectionId => _connection;

    string IRemoteHost.LostReason => _lostReason;

    (string Program, IReadOnlyList<string> Arguments) IRemoteHost.Session
    {
        get
        {
            lock (_gate)
            {
                return (SshProgram, SessionArguments());
            }
        }
    }

    void IRemoteHost.EnsureConnected() => Connect();

    string IRemoteHost.NextJob() => "j" + Interlocked.Increment(ref _jobs).ToString(System.Globalization.CultureInfo.InvariantCulture);

    void IRemoteHost.Signal(string connection, string job, int signal)
    {
        string name = Native.Signals.Name(signal);
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] arguments;
        lock (_gate)
        {
            if (_master is null || _master.Poll() is not null || connection != _connection)
            {
                return; // the anchor ends every job of a connection that closes
            }
            arguments = SessionArguments();
        }
        // Detached: it must get through even while this process ends its children; it is short.
        using ChildProcess session = Command.Create(SshProgram, [.. arguments, RemoteScript.Signal(_connection, job, name)])
            .WithStdin(Stdio.Null).WithStdout(Stdio.Null).WithStderr(Stdio.Null).Detached().Start();
    }

    bool IRemoteHost.IsLost(string connection, TimeSpan wait)
    {
        ChildProcess? master;
        lock (_gate)
        {
            master = connection == _connection ? _master : null;
        }
        if (master is null)
        {
            _lostReason = _lostReason.Length > 0 ? _lostReason : "the connection closed";
            return true; // closed, or replaced since the job started on it
        }
        try
        {
            master.Wait(wait);
        }
        catch (ProcessTimeoutException)
        {
            return false;
        }
        lock (_gate)
        {
            if (_lostReason.Length == 0)
            {
                _lostReason = Reason(master, "the connection closed");
            }
        }
        return true;
    }

    private string Socket => Path.Combine(_socketFolder!, "master");

    /// <summary>ssh's arguments: the configuration file, the caller's options, <paramref name="more"/>, the destination.</summary>
    private string[] Arguments(params string[] more)
    {
        var arguments = new List<string>();
        if (ConfigFile is not null)
        {
            arguments.Add("-F");
            arguments.Add(ConfigFile);
        }
        // ssh keeps the first value it is given: ours first (the connection's own), the caller's next,
        // then defaults the caller may override (a handshake bounded, a silent host noticed).
        arguments.AddRange(more);
        arguments.AddRange(SshOptions);
        arguments.AddRange(["-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=3"]);
        arguments.Add(Destination);
        return [.. arguments];
    }

    /// <summary>A session over the shared connection: never a connection of its own (had the master just
    /// gone, ssh would connect directly, running a job no signal or anchor reaches) and never a prompt.</summary>
    private string[] SessionArguments() =>
        Arguments("-S", Socket, "-o", "ControlMaster=no", "-o", "ProxyCommand=false", "-o", "BatchMode=yes", "-T");

    /// <summary>Starts the master, whose remote command (<see cref="RemoteScript.Anchor"/>) says
    /// <c>ready</c> once the connection is up and the connection's folder made, and ends every job of
    /// the connection when its stdin closes: this process holds that stdin, so however this process
    /// ends, the host's jobs end with it.</summary>
    private void Open()
    {
        _connection = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        _socketFolder ??= Directory.CreateTempSubdirectory("subproc-ssh-").FullName;
        _lostReason = "";
        string errors = Path.Combine(_socketFolder, "master.err");
        ChildProcess master = Command.Create(SshProgram, [.. Arguments("-M", "-S", Socket, "-o", "ControlPersist=no", "-T"), RemoteScript.Anchor(_connection)])
            .WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.File(errors))
            // In a group of its own: a Ctrl-C at the terminal is this process's to handle, not the connection's.
            .WithNewProcessGroup().Start();
        string said = ReadLine(master.Stdout);
        if (said != "ready")
        {
            master.Dispose();
            string reason = Reason(master, said.Length > 0 ? $"the host's shell said: {said}" : "ssh ended before the connection was up");
            throw new SshConnectionException(Destination, reason);
        }
        _master = master;
    }

    /// <summary>What ssh wrote on stderr, else <paramref name="otherwise"/>, with its status.</summary>
    private string Reason(ChildProcess master, string otherwise)
    {
        string written = "";
        try
        {
            written = File.ReadAllText(Path.Combine(_socketFolder!, "master.err")).Trim();
        }
        catch (IOException)
        {
        }
        string status = master.Poll() is { } exited ? $" (ssh {exited})" : "";
        return (written.Length > 0 ? written : otherwise) + status;
    }

    private static string ReadLine(Stream stream)
    {
        var line = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            line.Add((byte)b);
        }
        return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
    }

    /// <summary>Closes the master's stdin, so the anchor ends the connection's jobs and exits, lets the master
    /// end with it (a few seconds at most), and removes the socket's folder.</summary>
    private void CloseMaster()
    {
        if (_master is { } master)
        {
            _master = null;
            try
            {
                master.Stdin.Dispose();
            }
            catch (IOException)
            {
            }
            try
            {
                master.Wait(TimeSpan.FromSeconds(5));
            }
            catch (ProcessTimeoutException)
            {
            }
            master.Dispose();
        }
        if (_socketFolder is not null && _disposed)
        {
            try
            {
                Directory.Delete(_socketFolder, recursive: true);
            }
            catch (IOException)
            {
            }
            _socketFolder = null;
        }
    }
}

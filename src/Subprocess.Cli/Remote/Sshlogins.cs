using System.Globalization;
using Subprocess.Cli.Commands;

namespace Subprocess.Cli.Remote;

/// <summary>
/// The machines of a run, as GNU parallel's <c>--sshlogin</c>/<c>-S</c> and <c>--sshloginfile</c> give them:
/// <c>[N/]login</c> entries, comma-separated, where <c>:</c> is this machine, N the host's job slots
/// (else <c>--jobs</c> read against the host's own cores), and a login holding spaces an ssh command
/// of its own (<c>ssh -p 2222 host</c>). Each remote host has one shared connection (<see cref="SshHost"/>),
/// opened for all at the start. The runner's slots are the hosts' slots end to end; a job runs on its slot's
/// host, or, when that host went down (its connection failed or was lost), on one still up.
/// </summary>
internal sealed class Sshlogins : IDisposable
{
    private readonly Login[] _logins;
    private readonly int[] _slotEnds;

    private Sshlogins(Login[] logins)
    {
        _logins = logins;
        _slotEnds = new int[logins.Length];
        int end = 0;
        for (int i = 0; i < logins.Length; i++)
        {
            _slotEnds[i] = end += logins[i].Slots;
        }
    }

    /// <summary>Every slot of every host: the run's parallelism.</summary>
    public int Slots => _slotEnds[^1];

    /// <summary>Whether any login is another machine (the template then runs whole in its shell, as in GNU parallel).</summary>
    public bool AnyRemote => _logins.Any(login => login.Host is not null);

    /// <summary>Reads the logins and connects to every remote one at once; those that cannot be reached are down from the start.</summary>
    /// <param name="entries">The <c>-S</c> values (each comma-separated).</param>
    /// <param name="files">The <c>--sshloginfile</c> files (<c>..</c>: ~/.parallel/sshloginfile).</param>
    /// <param name="ssh">The <c>--ssh</c> command (else <c>$PARALLEL_SSH</c>, else ssh).</param>
    /// <param name="jobs">The <c>--jobs</c> value, applied to each host that gives no N of its own; null: its cores.</param>
    /// <exception cref="UsageException">An entry is malformed, a file cannot be read, or no host could be reached.</exception>
    /// <param name="baseFiles">The <c>--basefile</c> files, sent to every host before the first job.</param>
    /// <param name="cleanup">Remove the base files from the hosts at the end (<c>--cleanup</c>).</param>
    public static Sshlogins? Open(IReadOnlyList<string> entries, IReadOnlyList<string> files, string? ssh, string? jobs,
        IReadOnlyList<string>? baseFiles = null, bool cleanup = false)
    {
        var written = new List<string>();
        foreach (string entry in entries)
        {
            written.AddRange(entry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        foreach (string file in files)
        {
            written.AddRange(Lines(file));
        }
        if (written.Count == 0)
        {
            return null;
        }
        string[] sshWords = (ssh ?? Environment.GetEnvironmentVariable("PARALLEL_SSH") ?? "ssh").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (sshWords.Length == 0)
        {
            throw new UsageException("--ssh needs a command (ssh, or ssh with options)");
        }
        Login[] logins = [.. written.Distinct(StringComparer.Ordinal).Select(entry => Parse(entry, sshWords))];
        // Every host at once: a handshake each, side by side.
        Parallel.ForEach(logins.Where(login => login.Host is not null), login =>
        {
            try
            {
                login.Host!.Connect();
                if (baseFiles is [_, ..])
                {
                    login.BaseFiles = new RemoteJob(login.Host, null, false, baseFiles, [], cleanup, []);
                    login.BaseFiles.SendAsync().GetAwaiter().GetResult();
                }
            }
            catch (SshConnectionException e)
            {
                login.MarkDown(e.Reason);
            }
            catch (ProcessStartException e)
            {
                login.MarkDown(e.Reason); // the ssh of --ssh cannot be started: said once every host is down
            }
        });
        if (logins.All(login => login.IsDown))
        {
            throw new UsageException("no host could be reached: " + string.Join("; ", logins.Select(login => $"{login.Name}: {login.DownReason}")));
        }
        bool counted = jobs is not null && !jobs.StartsWith('+') && !jobs.StartsWith('-') && !jobs.EndsWith('%') && jobs != "0";
        foreach (Login login in logins)
        {
            int cores = login.IsDown ? 1 : login.Cores();
            // N/host, else --jobs N, else --jobs against the host's cores (0, no limit: its cores, so that
            // jobs spread over the hosts, not all to the first). sshd's default MaxSessions is 10 a
            // connection, and the connection's own command and the signal sessions take some: slots that
            // come from a host's cores are at most 8; N asks for N all the same.
            login.Slots = login.FixedSlots ?? (counted
                ? JobSlots.Parse(jobs!, cores)
                : Math.Min(login.Host is null ? int.MaxValue : 8, Math.Max(1, JobSlots.Parse(jobs is null or "0" ? "100%" : jobs, cores))));
        }
        return new Sshlogins(logins);
    }

    /// <summary>The host that job <paramref name="context"/> runs on (null: this machine) and its name for
    /// the job log: its slot's, or, if that one is down, one still up.</summary>
    public (SshHost? Host, string Name) For(JobContext context)
    {
        int index = Array.FindIndex(_slotEnds, end => context.Slot <= end);
        Login login = _logins[index < 0 ? (context.Slot - 1) % _logins.Length : index];
        if (login.CheckDown())
        {
            // Every host down: the job goes to its own, closed, where it fails at once with the reason.
            Login[] up = [.. _logins.Where(other => !other.CheckDown())];
            login = up.Length == 0 ? login : up[context.Slot % up.Length];
        }
        return (login.Host, login.Name);
    }

    /// <summary>One line naming the hosts that went down and why, or null when none did.</summary>
    public string? DownSummary()
    {
        Login[] down = [.. _logins.Where(login => login.CheckDown())];
        return down.Length == 0 ? null
            : $"subproc: {down.Length} host(s) went down, their jobs ran on the others: " + string.Join("; ", down.Select(login => $"{login.Name} ({login.DownReason})"));
    }

    public void Dispose()
    {
        Parallel.ForEach(_logins, login =>
        {
            if (login.BaseFiles is { } sent && !login.CheckDown())
            {
                sent.FinishAsync().GetAwaiter().GetResult();
            }
            login.Host?.Dispose();
        });
    }

    private static Login Parse(string entry, string[] sshWords)
    {
        string login = entry;
        int? slots = null;
        int slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && int.TryParse(entry.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            (slots, login) = (n, entry[(slash + 1)..]);
            if (n < 1)
            {
                throw new UsageException($"--sshlogin {entry}: a host needs at least one job slot");
            }
        }
        if (login == ":")
        {
            return new Login(":", null, slots);
        }
        // "ssh -p 2222 host": the login's own ssh command, as GNU parallel allows.
        string[] words = login.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] command = words.Length > 1 ? words[..^1] : sshWords;
        try
        {
            var host = new SshHost(words[^1]) { SshProgram = command[0], SshOptions = command[1..] };
            return new Login(login, host, slots);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--sshlogin {entry}: {e.Message}");
        }
    }

    private static IEnumerable<string> Lines(string file)
    {
        string path = file == ".." ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".parallel", "sshloginfile") : file;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--sshloginfile {file}: {e.Message}");
        }
        return lines.Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'));
    }

    /// <summary>One entry: a host (null for this machine), its slots, and whether it went down.</summary>
    private sealed class Login(string name, SshHost? host, int? fixedSlots)
    {
        private volatile string? _downReason;

        public string Name => name;

        public SshHost? Host => host;

        public int? FixedSlots => fixedSlots;

        public int Slots { get; set; }

        /// <summary>The <c>--basefile</c> files sent there, removed at the end with <c>--cleanup</c>.</summary>
        public RemoteJob? BaseFiles { get; set; }

        public bool IsDown => _downReason is not null;

        public string DownReason => _downReason ?? "";

        public void MarkDown(string reason)
        {
            _downReason ??= reason;
            // Closed, not opened again by a job that was built for it before: that job fails at once, and runs elsewhere.
            host?.Dispose();
        }

        /// <summary>Down already, or its connection lost since (it is not opened again: its jobs go elsewhere).</summary>
        public bool CheckDown()
        {
            if (_downReason is null && host is not null && !host.IsConnected)
            {
                MarkDown("its connection was lost");
            }
            return _downReason is not null;
        }

        /// <summary>The host's cores (this machine's for <c>:</c>), asked once over its connection.</summary>
        public int Cores()
        {
            if (host is null)
            {
                return Environment.ProcessorCount;
            }
            // Stdin null: ssh would read this process's stdin (the inputs, say) on the session's behalf.
            string said = Command.Create("getconf", "_NPROCESSORS_ONLN").OnHost(host).WithStdin(Stdio.Null).WithCheck(false).Capture().StdoutText.Trim();
            return int.TryParse(said, NumberStyles.None, CultureInfo.InvariantCulture, out int cores) && cores > 0 ? cores : 1;
        }
    }
}

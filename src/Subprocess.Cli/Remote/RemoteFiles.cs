using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Remote;

/// <summary>
/// What GNU parallel's <c>--transferfile</c>, <c>--return</c>, <c>--cleanup</c>, <c>--workdir</c> and <c>--env</c>
/// ask of a job on another host, filled for each job (<see cref="For"/>). Files travel as a <c>tar</c>
/// stream through the job's own session (in) or a session after it (back), so the host needs only
/// <c>tar</c>, not rsync. As with rsync's <c>-R</c>, a path is put relative to the work dir, an absolute
/// one at the same absolute path, and the part of a path after <c>/./</c> relative to the work dir.
/// </summary>
/// <param name="Transfer">The <c>--transferfile</c> templates (<c>--transfer</c>: <c>{}</c>).</param>
/// <param name="Return">The <c>--return</c> templates.</param>
/// <param name="Cleanup">Remove the transferred and returned files from the host after the job.</param>
/// <param name="WorkDir">The <c>--workdir</c> template; null: the login dir; <c>...</c>: a new dir under
/// <c>~/.parallel/tmp</c>; <c>.</c>: this process's dir, relative to the home dir when beneath it.</param>
/// <param name="Env">The variables whose values here the job gets there (<c>--env</c>).</param>
internal sealed record RemoteFiles(IReadOnlyList<string> Transfer, IReadOnlyList<string> Return, bool Cleanup, string? WorkDir, IReadOnlyList<string> Env)
{
    /// <summary>None of it: a remote job is its command alone.</summary>
    public static RemoteFiles None { get; } = new([], [], false, null, []);


    /// <summary>The job of <paramref name="values"/> on <paramref name="host"/>.</summary>
    /// <param name="login">The host's <c>-S</c> login as written (without its N/), which the job sees as
    /// <c>PARALLEL_SSHLOGIN</c>, its host part as <c>PARALLEL_SSHHOST</c>, as in GNU parallel.</param>
    public RemoteJob For(SshHost host, string login, IReadOnlyList<string> values, JobContext context, Replacements replacements)
    {
        string Fill(string template) => replacements.Apply(template, values, context);
        string? workDir = WorkDir switch
        {
            null => null,
            "..." => $".parallel/tmp/{host.Destination}-{Environment.ProcessId}-{context.Number}",
            "." => Here(),
            string dir => Fill(dir),
        };
        string destination = host.Destination;
        var env = new List<(string, string)>
        {
            ("PARALLEL_SSHLOGIN", login),
            ("PARALLEL_SSHHOST", destination[(destination.IndexOf('@', StringComparison.Ordinal) + 1)..]),
        };
        foreach (string name in Env)
        {
            if (Environment.GetEnvironmentVariable(name) is string value)
            {
                env.Add((name, value));
            }
        }
        return new RemoteJob(host, workDir, WorkDir == "...", [.. Transfer.Select(Fill)], [.. Return.Select(Fill)], Cleanup, env);
    }

    /// <summary><c>--workdir .</c>: this process's dir, as a path relative to the home dir when it is beneath it.</summary>
    private static string Here()
    {
        string here = Directory.GetCurrentDirectory();
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return here.StartsWith(home + "/", StringComparison.Ordinal) ? here[(home.Length + 1)..] : here;
    }
}

using System.Text;
using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Remote;

/// <summary>
/// One job on another host with its files (<see cref="RemoteFiles"/>): the files sent before it, as a
/// local <c>tar</c> whose stream the job's remote shell unpacks first (<see cref="Sender"/>, <see cref="Wrap"/>),
/// and those brought back and cleaned up after it (<see cref="FinishAsync"/>).
/// </summary>
internal sealed class RemoteJob(SshHost host, string? workDir, bool tempDir, IReadOnlyList<string> transfer, IReadOnlyList<string> returns,
    bool cleanup, IReadOnlyList<(string Name, string Value)> env)
{
    public SshHost Host => host;

    /// <summary>The variables the job gets from here (<c>--env</c>).</summary>
    public IReadOnlyList<(string Name, string Value)> Environment => env;

    /// <summary>The local <c>tar</c> that packs the files to send, whose stdout the job reads; null: none.</summary>
    public Command? Sender
    {
        get
        {
            if (transfer.Count == 0)
            {
                return null;
            }
            var arguments = new List<string> { "-c", "-P", "-f", "-" };
            foreach (string file in transfer)
            {
                (string localDir, string member) = Split(file);
                arguments.AddRange(["-C", localDir, Member(member)]);
            }
            return Command.Create("tar", arguments).WithStderr(Stdio.Inherit);
        }
    }

    /// <summary>The job's remote script: into the work dir (made if missing), the sent files unpacked, then
    /// <paramref name="script"/> reading nothing.</summary>
    public string Wrap(string script)
    {
        var wrapped = new StringBuilder();
        if (workDir is not null)
        {
            string dir = Directory(workDir);
            wrapped.Append($"mkdir -p -- {dir} && cd -- {dir} && ");
        }
        if (transfer.Count == 0)
        {
            return wrapped.Length == 0 ? script : wrapped.Append("{ ").Append(script).Append("\n}").ToString();
        }
        // The job's stdin was the files' stream: it reads nothing after them.
        return wrapped.Append("tar -x -P -f - && { ").Append(script).Append("\n} </dev/null").ToString();
    }

    /// <summary>Sends the files on their own (<c>--basefile</c>), not ahead of a job.</summary>
    public Task SendAsync() => Sender is { } sender ? Run(sender | Command.Shell(Wrap(":")).OnHost(host)) : Task.CompletedTask;

    /// <summary>After the job: brings the <c>--return</c> files back (each under the local dir before its
    /// <c>/./</c>, or here), then with <c>--cleanup</c> removes the sent and returned files there, and a
    /// <c>--workdir ...</c> dir. Errors are reported on stderr, as GNU parallel's rsync reports them.</summary>
    public async Task FinishAsync()
    {
        if (!host.IsConnected)
        {
            // Lost: its files there are out of reach (and the job ran again elsewhere); opening it again is not ours to do.
            return;
        }
        foreach (IGrouping<string, (string LocalDir, string Member)> back in returns.Select(Split).GroupBy(pair => pair.LocalDir))
        {
            System.IO.Directory.CreateDirectory(back.Key);
            Command there = Command.Shell(InWorkDir(string.Join(' ', ["tar -c -P -f -", .. back.Select(pair => GnuQuote.Word(Member(pair.Member)))]))).OnHost(host).WithStdin(Stdio.Null);
            // As rsync leaves them: owned by whoever brings them back, not by the remote user's IDs. Only names
            // asked for as absolute are written as absolute: the host's archive cannot reach outside the dir else.
            string[] unpack = back.Any(pair => Path.IsPathRooted(pair.Member)) ? ["-x", "-P", "--no-same-owner", "-f", "-"] : ["-x", "--no-same-owner", "-f", "-"];
            await Run(there | Command.Create("tar", unpack).WithWorkingDirectory(back.Key));
        }
        if (cleanup && (transfer.Count > 0 || returns.Count > 0 || tempDir))
        {
            string[] members = [.. transfer.Concat(returns).Select(file => Split(file).Member)];
            // The dirs the files came in, emptied, go too (relative ones only: never a dir outside the work dir).
            string[] dirs = [.. members.Where(member => !Path.IsPathRooted(member)).Select(Path.GetDirectoryName).OfType<string>()
                .Where(dir => dir.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(dir => dir.Length)];
            string remove = InWorkDir("rm -f -- " + string.Join(' ', members.Select(member => GnuQuote.Word(Member(member))))
                + (dirs.Length > 0 ? "; rmdir -p -- " + string.Join(' ', dirs.Select(GnuQuote.Word)) + " 2>/dev/null; :" : ""))
                + (tempDir ? $"; cd && rmdir -- {Directory(workDir!)} 2>/dev/null" : "");
            await Run(Pipeline.Create(Command.Shell(remove).OnHost(host).WithStdin(Stdio.Null)));
        }
    }

    private string InWorkDir(string command) => workDir is null ? command : $"cd -- {Directory(workDir)} && {command}";

    /// <summary>A dir for the remote shell: quoted, and ./ before a relative one, so that CDPATH (which a
    /// login's rc file may set) is not searched.</summary>
    private static string Directory(string dir) => GnuQuote.Word(dir.StartsWith('/') ? dir : "./" + dir);

    /// <summary>A name for tar: ./ before a relative one, so that one starting with '-' is not read as an option.</summary>
    private static string Member(string member) => member.StartsWith('/') ? member : "./" + member;

    private static async Task Run(Pipeline pipeline)
    {
        try
        {
            await pipeline.WithStderr(Stdio.Inherit).WithCheck(false).RunAsync();
        }
        catch (SubprocessException e)
        {
            await Console.Error.WriteLineAsync($"subproc: {e.Message}");
        }
    }

    /// <summary>A path as (the local dir it is read from or written to, its name in the archive): after
    /// <c>/./</c>, relative to the work dir; absolute, at the same place; else relative to both dirs.</summary>
    private static (string LocalDir, string Member) Split(string path)
    {
        int dot = path.IndexOf("/./", StringComparison.Ordinal);
        if (dot >= 0)
        {
            return (Path.GetFullPath(dot == 0 ? "/" : path[..dot]), path[(dot + 3)..]);
        }
        return Path.IsPathRooted(path) ? ("/", path) : (System.IO.Directory.GetCurrentDirectory(), path);
    }
}

using System.Text;

namespace Subprocess.Launching;

/// <summary>
/// The POSIX shell scripts that run on a remote host, built as bytes so that arguments, directory and
/// environment values reach the remote program byte for byte (each one in single quotes, nothing left
/// for the remote shell to expand). A job's shell is the leader of its own process group and session
/// (sshd calls <c>setsid</c>), so its PID, recorded in the connection's folder, names the whole remote
/// tree; a signal session (<see cref="Signal"/>) sends to that group, and the connection's anchor
/// (<see cref="Anchor"/>), which lives as long as the shared connection, ends every job still
/// recorded when the connection closes, however it closes.
/// </summary>
internal static class RemoteScript
{
    /// <summary>The job: records its group, gives up if a signal came first, runs the command as a child
    /// (trapping SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM itself, so that it outlives the program's death by one of them
    /// and exits with the program's status, 128+N for a signal, as a shell reports it: a remote shell killed
    /// by a signal makes <c>ssh</c> exit 255), then clears its record.</summary>
    public static byte[] Job(CommandSpec command, string connection, string job)
    {
        var script = new List<byte>(256);
        Append(script, $"d=\"${{TMPDIR:-/tmp}}/.subproc-{connection}\"; t=\"$d/{job}\"; echo $$ >\"$t\" 2>/dev/null; ");
        Append(script, "[ -e \"$t.k\" ] && { : >\"$t\"; exit 143; }; trap : TERM INT HUP QUIT USR1 USR2 ALRM; ");
        if (command.WorkingDirectoryAsGiven is string dir)
        {
            Append(script, "cd ");
            // ./ before a relative one: CDPATH (which a login's rc file may set) is not searched, nor a '-' read as an option.
            Quote(script, Encoding.UTF8.GetBytes(dir.StartsWith('/') ? dir : "./" + dir));
            Append(script, " && ");
        }
        // Variables set the shell's way (NAME='value' before the program: no process of its own), unless a
        // name is not one the shell takes, or one is removed, or the environment starts clean: then env.
        bool viaEnv = command.CleanEnvironment || !command.Environment.All(pair => pair.Value is not null && IsShellName(pair.Key));
        if (!viaEnv)
        {
            foreach ((string name, byte[]? value) in command.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                Append(script, name + "=");
                Quote(script, value!);
                script.Add((byte)' ');
            }
        }
        else
        {
            Append(script, command.CleanEnvironment ? "env -i" : "env");
            foreach ((string name, byte[]? value) in command.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                if (value is null)
                {
                    if (!command.CleanEnvironment)
                    {
                        Append(script, " -u ");
                        Quote(script, Encoding.UTF8.GetBytes(name));
                    }
                    continue;
                }
                script.Add((byte)' ');
                Quote(script, [.. Encoding.UTF8.GetBytes(name + "="), .. value]);
            }
            script.Add((byte)' ');
        }
        if (viaEnv && (command.Program.Contains('=', StringComparison.Ordinal) || command.Program.StartsWith('-')))
        {
            // env would read such a program as an assignment or an option: a shell runs it instead.
            Append(script, "/bin/sh -c 'exec \"$0\" \"$@\"' ");
        }
        Quote(script, Encoding.UTF8.GetBytes(command.Program));
        for (int i = 0; i < command.Arguments.Length; i++)
        {
            script.Add((byte)' ');
            Quote(script, command.ArgumentBytes(i));
        }
        Append(script, "; s=$?; : >\"$t\"; exit $s");
        return [.. script];
    }

    /// <summary>Marks <paramref name="job"/> as signalled (so a job not yet started gives up) and sends
    /// <paramref name="signalName"/> to its group, then SIGCONT.</summary>
    /// <remarks>A stop is not followed by SIGCONT; after SIGKILL, which the job's shell cannot outlive to
    /// clear its record, the record is cleared here, so the anchor never signals a PID reused since.</remarks>
    public static string Signal(string connection, string job, string signalName) =>
        $"t=\"${{TMPDIR:-/tmp}}/.subproc-{connection}/{job}\"; : >\"$t.k\" 2>/dev/null; read -r p <\"$t\" 2>/dev/null; " +
        $"[ -n \"$p\" ] && kill -{signalName} -$p 2>/dev/null" +
        (signalName is "STOP" or "TSTP" ? "" : " && kill -CONT -$p 2>/dev/null") +
        (signalName == "KILL" ? "; : >\"$t\"" : "") + "; :";

    /// <summary>The remote command of the shared connection's master: makes the connection's folder, says
    /// <c>ready</c>, and waits for its stdin to close (this process ends the connection, exits, or dies,
    /// or the connection drops); then ends every job still recorded (SIGTERM, two seconds, SIGKILL) and
    /// removes the folder.</summary>
    public static string Anchor(string connection) =>
        $"d=\"${{TMPDIR:-/tmp}}/.subproc-{connection}\"; mkdir -m 700 \"$d\" || exit 1; echo ready; cat >/dev/null; " +
        "each() { e=; for t in \"$d\"/*; do read -r p <\"$t\" 2>/dev/null && [ -n \"$p\" ] && kill -$1 -$p 2>/dev/null && e=1; done; [ -n \"$e\" ]; }; " +
        "if each TERM; then each CONT; sleep 2; each KILL; fi; rm -rf \"$d\"";

    /// <summary>Appends <paramref name="word"/> in single quotes, a quote inside written <c>'\''</c>.</summary>
    private static void Quote(List<byte> script, ReadOnlySpan<byte> word)
    {
        script.Add((byte)'\'');
        foreach (byte b in word)
        {
            if (b == (byte)'\'')
            {
                script.AddRange("'\\''"u8);
            }
            else
            {
                script.Add(b);
            }
        }
        script.Add((byte)'\'');
    }

    private static bool IsShellName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static void Append(List<byte> script, string text) => script.AddRange(Encoding.UTF8.GetBytes(text));
}

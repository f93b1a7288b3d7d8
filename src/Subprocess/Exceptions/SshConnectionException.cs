namespace Subprocess;

/// <summary>
/// A command on a remote host (<see cref="Command.OnHost"/>) could not reach it, or lost it while it ran:
/// <c>ssh</c> could not connect or authenticate, or the shared connection went down. Never the remote
/// program's own exit status, even 255, which is ssh's own failure code: that is reported as a status.
/// </summary>
public sealed class SshConnectionException : SubprocessException
{
    internal SshConnectionException(string host, string reason)
        : base($"Lost or could not open the ssh connection to {host}: {reason}")
    {
        Host = host;
        Reason = reason;
    }

    /// <summary>The host as the command named it (<see cref="SshHost.Destination"/>).</summary>
    public string Host { get; }

    /// <summary>What ssh said, or what went wrong.</summary>
    public string Reason { get; }
}

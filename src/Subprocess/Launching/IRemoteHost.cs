namespace Subprocess.Launching;

/// <summary>
/// A host a command runs on through the system's <c>ssh</c> (<see cref="SshHost"/>), as the layers below
/// the public surface see it: how to open a session over its shared connection, where its jobs record
/// their process groups, and how to signal one. Launching a stage on it runs <c>ssh</c> here with the
/// command wrapped for the remote shell (<see cref="RemoteScript"/>).
/// </summary>
internal interface IRemoteHost
{
    /// <summary>The destination as given (<c>user@host</c> or a <c>Host</c> of the ssh configuration).</summary>
    string Destination { get; }

    /// <summary>The local <c>ssh</c> and its arguments for one session over the shared connection, up to
    /// and including the destination: the remote command follows.</summary>
    (string Program, IReadOnlyList<string> Arguments) Session { get; }

    /// <summary>The name of this connection's folder on the host (under <c>$TMPDIR</c> or <c>/tmp</c>),
    /// where each job records its process group.</summary>
    string ConnectionId { get; }

    /// <summary>Opens the shared connection if it is not open (blocking).</summary>
    /// <exception cref="SshConnectionException">The host cannot be reached, or its connection was lost.</exception>
    void EnsureConnected();

    /// <summary>A name for the next job, unique on this connection.</summary>
    string NextJob();

    /// <summary>Sends <paramref name="signal"/> to the process group of <paramref name="job"/> on the host
    /// (and SIGCONT after it, so a stopped job sees it, unless it is a stop), through a session of its own,
    /// if <paramref name="connection"/> is still open (else its anchor ended the job). Does not wait.</summary>
    void Signal(string connection, string job, int signal);

    /// <summary>Whether <paramref name="connection"/> is gone (closed, or replaced by a new one), waiting up
    /// to <paramref name="wait"/> for it to show: a session that ended with ssh's 255 may have seen the
    /// connection fail before its master did.</summary>
    bool IsLost(string connection, TimeSpan wait);

    /// <summary>Why the connection is gone, for the exception a lost session throws.</summary>
    string LostReason { get; }
}

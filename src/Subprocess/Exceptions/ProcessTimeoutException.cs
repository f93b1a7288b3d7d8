namespace Subprocess;

/// <summary>
/// A wait, <c>Communicate</c>, <c>Run</c> or <c>Capture</c> ran past its timeout (Python's
/// <c>TimeoutExpired</c>). From <see cref="ChildProcess.Wait"/> and
/// <see cref="ChildProcess.Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> the child is left running, as in Python: call
/// <see cref="ChildProcess.Terminate"/> or try again. From <c>Run</c> and <c>Capture</c> the whole
/// process tree has already been ended. Carries the output captured up to that point.
/// </summary>
public sealed class ProcessTimeoutException : SubprocessException
{
    internal ProcessTimeoutException(string commandLine, TimeSpan timeout, byte[] stdout, byte[] stderr, ExitStatus? exitStatus = null)
        : base($"Command {Launching.CommandLine.InMessage(commandLine)} timed out after {timeout.TotalSeconds:0.###} s" +
               (exitStatus is ExitStatus s ? $" and was ended ({s})." : "."))
    {
        CommandLine = commandLine;
        Timeout = timeout;
        Stdout = stdout;
        Stderr = stderr;
        ExitStatus = exitStatus;
    }

    /// <summary>The command line that timed out.</summary>
    public string CommandLine { get; }

    /// <summary>The timeout that expired.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Standard output captured before the timeout (empty if none or not captured).</summary>
    public byte[] Stdout { get; }

    /// <summary>Standard error captured before the timeout (empty if none or not captured).</summary>
    public byte[] Stderr { get; }

    /// <summary>How the child ended, when the library ended it (<c>Run</c>, <c>Capture</c>); null
    /// when it was left running (<c>Wait</c>, <c>Communicate</c>).</summary>
    public ExitStatus? ExitStatus { get; }
}

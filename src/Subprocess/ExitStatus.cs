namespace Subprocess;

/// <summary>
/// How a child process ended: exactly one of <see cref="Code"/> (it exited) and
/// <see cref="Signal"/> (a signal killed it) is set.
/// </summary>
/// <remarks>
/// The one exception is <c>default(ExitStatus)</c>, which no process ended with and the library
/// never returns (a status not yet known is a null <c>ExitStatus?</c>): it means "no status". Both
/// <see cref="Code"/> and <see cref="Signal"/> are null, <see cref="Success"/> is false, it equals no
/// real status, and <see cref="ToString"/> says "no status"; <see cref="ReturnCode"/> is 0, so where
/// a default may turn up (an uninitialised field), test <see cref="Code"/> rather than
/// <see cref="ReturnCode"/>.
/// </remarks>
/// <example><code>
/// var status = Command.Create("sh", "-c", "exit 3").WithCheck(false).Run().ExitStatus;
/// // status.Code == 3, status.ReturnCode == 3, status.ToString() == "exited with code 3"
/// </code></example>
public readonly record struct ExitStatus
{
    private ExitStatus(int? code, int? signal)
    {
        Code = code;
        Signal = signal;
    }

    /// <summary>The exit code (0-255) if the process exited; null if a signal killed it.</summary>
    public int? Code { get; }

    /// <summary>The number of the signal that killed the process; null if it exited.</summary>
    /// <remarks>With the portable spawner, where the wait status cannot be read (macOS, Linux before
    /// 6.15, a child that ended while <c>Process.Start</c> was returning), a death by signal N is
    /// <see cref="Code"/> 128+N, as <c>Process</c> reports it, unless Subprocess sent that signal
    /// itself; see the README's "Elsewhere".</remarks>
    public int? Signal { get; }

    /// <summary>True when the process exited with code 0.</summary>
    public bool Success => Code == 0;

    /// <summary>Python's <c>returncode</c>: the exit code, or <c>-N</c> when signal N killed the
    /// process (-15 after <see cref="ChildProcess.Terminate"/>, -9 after <see cref="ChildProcess.Kill"/>);
    /// 0 for <c>default(ExitStatus)</c>, which is not a status (see the remarks).</summary>
    public int ReturnCode => Code ?? -(Signal ?? 0);

    /// <summary>A status for a process that exited with <paramref name="code"/>.</summary>
    public static ExitStatus Exited(int code) => new(code, null);

    /// <summary>A status for a process killed by <paramref name="signal"/>.</summary>
    public static ExitStatus Killed(int signal) =>
        signal > 0 ? new(null, signal) : throw new ArgumentOutOfRangeException(nameof(signal), signal, "A signal number is positive.");

    /// <summary>"exited with code 3", "killed by SIGTERM", "killed by signal 40"; "no status" for <c>default</c>.</summary>
    public override string ToString() => (Code, Signal) switch
    {
        (int code, _) => $"exited with code {code}",
        (_, int signal) => $"killed by {Native.Signals.Name(signal)}",
        _ => "no status",
    };
}

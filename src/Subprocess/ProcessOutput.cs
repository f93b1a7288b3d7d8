using System.Text;

namespace Subprocess;

/// <summary>What <see cref="ChildProcess.Communicate"/> collected: the bytes of stdout and stderr
/// (empty for a stream that was not piped).</summary>
/// <param name="Stdout">Everything the child wrote to its piped stdout.</param>
/// <param name="Stderr">Everything the child wrote to its piped stderr.</param>
public sealed record ProcessOutput(byte[] Stdout, byte[] Stderr)
{
    /// <summary>
    /// False when the child exited but something it started still held its stdout or stderr open
    /// past the drain timeout: the output is everything read until then, and the rest was abandoned
    /// rather than waited for.
    /// </summary>
    public bool Complete { get; init; } = true;

    /// <summary><see cref="Stdout"/> decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string StdoutText => Decode(Stdout);

    /// <summary><see cref="Stderr"/> decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string StderrText => Decode(Stderr);

    internal static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

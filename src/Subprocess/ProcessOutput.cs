using System.Text;

namespace Subprocess;

/// <summary>What <see cref="ChildProcess.Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> collected: the bytes of stdout and stderr
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

    /// <summary><see cref="Stdout"/> decoded as UTF-8, or the command's encoding (<see cref="Command.WithEncoding"/>);
    /// invalid bytes become U+FFFD.</summary>
    public string StdoutText => TextEncoding.GetString(Stdout);

    /// <summary><see cref="Stderr"/> decoded as <see cref="StdoutText"/> is.</summary>
    public string StderrText => TextEncoding.GetString(Stderr);

    /// <summary>The encoding of the text views.</summary>
    internal Encoding TextEncoding { get; init; } = CommandSpec.DefaultEncoding;
}

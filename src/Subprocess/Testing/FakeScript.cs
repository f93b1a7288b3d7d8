using System.Text;

namespace Subprocess.Testing;

/// <summary>What a fake child does, as a <see cref="FakeRule"/> scripted it: write its output at once, exit
/// with <see cref="Status"/> after <see cref="Delay"/> (or, when <see cref="Hangs"/>, only once ended).</summary>
internal sealed record FakeScript(FakeScript.Output Stdout, FakeScript.Output Stderr, ExitStatus Status, TimeSpan Delay, bool Hangs)
{
    /// <summary>A rule given nothing: no output, exit code 0, at once.</summary>
    public static FakeScript Default { get; } = new(default, default, ExitStatus.Exited(0), TimeSpan.Zero, Hangs: false);

    /// <summary>Scripted output: text (encoded as the command's own encoding says), or bytes as they are.</summary>
    public readonly record struct Output(string? Text, ReadOnlyMemory<byte> Bytes)
    {
        public ReadOnlyMemory<byte> Encode(Encoding encoding) => Text is null ? Bytes : encoding.GetBytes(Text);
    }
}

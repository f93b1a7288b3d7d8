namespace Subprocess.Pipes;

/// <summary>
/// The parent's end of one of a child's standard streams. Either handed to the caller as a
/// <see cref="Stream"/>, or pumped by <c>Communicate</c>; each spawner supplies its own kind.
/// </summary>
internal abstract class ChildPipe : IDisposable
{
    private readonly string _name;

    protected ChildPipe(string name) => _name = name;

    /// <summary>The pipe as a stream for the caller to read or write.</summary>
    public abstract Stream Stream { get; }

    /// <summary>Drains the pipe into <paramref name="sink"/> until end of file, then closes it.</summary>
    public abstract void PumpInto(IByteSink sink, Communication communication);

    /// <summary>Writes <paramref name="input"/> into the pipe, then closes it so the child sees end
    /// of file. A child that closes its end early ends the pump quietly, as in Python.</summary>
    public abstract void PumpFrom(ReadOnlyMemory<byte> input, Communication communication);

    /// <summary>Whether this is a pseudo-terminal's master rather than a pipe.</summary>
    public virtual bool IsTerminal => false;

    /// <summary>Whether the pipe has been closed (by the caller through <see cref="Stream"/>, or by a pump).</summary>
    public abstract bool IsClosed { get; }

    public abstract void Dispose();

    public override string ToString() => _name;
}

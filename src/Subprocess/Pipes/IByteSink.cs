namespace Subprocess.Pipes;

/// <summary>Where a pump puts the bytes it reads: a capture buffer, or a caller's stream.</summary>
internal interface IByteSink
{
    /// <summary>Space to read into; follow with exactly one <see cref="Advance"/>, even when the read
    /// brings nothing or fails, because until then the sink keeps that space alive for the read.</summary>
    Memory<byte> GetFreeSpace();

    /// <summary>Takes the <paramref name="count"/> bytes just read into the free space (0: none).</summary>
    void Advance(int count);

    /// <summary>The stream reached its end: nothing more comes (a caller's stream is flushed).</summary>
    void Finish();
}

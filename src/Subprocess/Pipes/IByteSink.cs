namespace Subprocess.Pipes;

/// <summary>Where a pump puts the bytes it reads: a capture buffer, or a caller's stream.</summary>
internal interface IByteSink
{
    /// <summary>Space to read into; follow with <see cref="Advance"/>.</summary>
    Memory<byte> GetFreeSpace();

    /// <summary>Takes the <paramref name="count"/> bytes just read into the free space.</summary>
    void Advance(int count);
}

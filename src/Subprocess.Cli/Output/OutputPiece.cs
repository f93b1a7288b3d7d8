namespace Subprocess.Cli.Output;

/// <summary>Bytes taken from an <see cref="OutputQueue"/>: the first <paramref name="Length"/> of
/// <paramref name="Buffer"/>, for stream number <paramref name="Target"/>; <paramref name="Pooled"/>
/// when the buffer was rented for them and goes back once they are written.</summary>
internal readonly record struct OutputPiece(int Target, byte[] Buffer, int Length, bool Pooled);

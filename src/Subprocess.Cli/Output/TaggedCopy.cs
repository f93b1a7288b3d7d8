using System.Buffers;
using System.Text;

namespace Subprocess.Cli.Output;

/// <summary>
/// Copies output with a tag in front of every line (<c>--tag</c>), on bytes: whatever the job wrote,
/// UTF-8 or not, arrives unchanged, and memory stays at two buffers however long the output or a line.
/// </summary>
internal static class TaggedCopy
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The tag of a job with <paramref name="inputs"/>: its inputs and a tab, as GNU parallel writes it.</summary>
    public static byte[] Tag(IReadOnlyList<string> inputs) => Encoding.UTF8.GetBytes(string.Join(' ', inputs) + "\t");

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each line prefixed with
    /// <paramref name="tag"/>, as GNU parallel tags them: a line ends at a newline or a carriage return
    /// (a progress bar's redrawn line is tagged too), and a tag goes out only before a byte of its line,
    /// so nothing follows the last one and a last line without a newline stays so.</summary>
    public static async Task CopyAsync(Stream from, Stream to, byte[] tag)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read = await from.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }
            // Console streams are unbuffered, a system call per write: pieces gather here first. Not
            // disposed, which would close the console stream.
            var output = new BufferedStream(to, BufferSize);
            bool lineStart = true;
            do
            {
                ReadOnlyMemory<byte> rest = buffer.AsMemory(0, read);
                while (!rest.IsEmpty)
                {
                    if (lineStart)
                    {
                        await output.WriteAsync(tag);
                    }
                    int length = Piece(rest.Span, out lineStart);
                    await output.WriteAsync(rest[..length]);
                    rest = rest[length..];
                }
            }
            while ((read = await from.ReadAsync(buffer)) > 0);
            await output.FlushAsync();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="text"/> (whole lines, perhaps with a partial one last) to
    /// <paramref name="to"/>, each line behind <paramref name="tag"/>, as <see cref="CopyAsync"/> does.</summary>
    public static void Write(ReadOnlySpan<byte> text, byte[] tag, Stream to)
    {
        while (!text.IsEmpty)
        {
            to.Write(tag);
            int length = Piece(text, out _);
            to.Write(text[..length]);
            text = text[length..];
        }
    }

    /// <summary>How much of <paramref name="rest"/> belongs to the line it starts: up to and with its end
    /// (a newline or a carriage return), or all of it; whether a line ended there.</summary>
    private static int Piece(ReadOnlySpan<byte> rest, out bool ended)
    {
        int end = rest.IndexOfAny((byte)'\n', (byte)'\r');
        ended = end >= 0;
        return ended ? end + 1 : rest.Length;
    }
}

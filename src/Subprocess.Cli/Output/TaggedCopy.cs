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
    /// <paramref name="tag"/>; a last line without a newline gets one, so the next job's tag starts a line.</summary>
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
                    int newline = rest.Span.IndexOf((byte)'\n');
                    int length = newline < 0 ? rest.Length : newline + 1;
                    await output.WriteAsync(rest[..length]);
                    lineStart = newline >= 0;
                    rest = rest[length..];
                }
            }
            while ((read = await from.ReadAsync(buffer)) > 0);
            if (!lineStart)
            {
                output.WriteByte((byte)'\n');
            }
            await output.FlushAsync();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

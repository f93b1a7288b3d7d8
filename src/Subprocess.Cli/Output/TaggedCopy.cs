namespace Subprocess.Cli.Output;

/// <summary>
/// Copies output with a tag in front of every line (<c>--tag</c>), on bytes: whatever the job wrote,
/// UTF-8 or not, arrives unchanged, and memory stays at two buffers however long the output or a line.
/// </summary>
internal static class TaggedCopy
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each line prefixed with
    /// <paramref name="tag"/>; a last line without a newline gets one, so the next job's tag starts a line.</summary>
    public static async Task CopyAsync(Stream from, Stream to, byte[] tag)
    {
        byte[] buffer = new byte[BufferSize];
        // Console streams are unbuffered, a system call per write: pieces gather here first.
        byte[] pending = new byte[BufferSize];
        int used = 0;
        bool lineStart = true;
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            ReadOnlyMemory<byte> rest = buffer.AsMemory(0, read);
            while (!rest.IsEmpty)
            {
                if (lineStart)
                {
                    await PutAsync(tag);
                }
                int newline = rest.Span.IndexOf((byte)'\n');
                int length = newline < 0 ? rest.Length : newline + 1;
                await PutAsync(rest[..length]);
                lineStart = newline >= 0;
                rest = rest[length..];
            }
        }
        if (!lineStart)
        {
            await PutAsync("\n"u8.ToArray());
        }
        await to.WriteAsync(pending.AsMemory(0, used));
        await to.FlushAsync();

        async ValueTask PutAsync(ReadOnlyMemory<byte> bytes)
        {
            if (used + bytes.Length > pending.Length)
            {
                await to.WriteAsync(pending.AsMemory(0, used));
                used = 0;
            }
            if (bytes.Length > pending.Length)
            {
                await to.WriteAsync(bytes);
                return;
            }
            bytes.CopyTo(pending.AsMemory(used));
            used += bytes.Length;
        }
    }
}

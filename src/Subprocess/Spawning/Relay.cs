namespace Subprocess.Spawning;

/// <summary>Copies one or more streams into one, through the parent (the portable spawner's stand-in
/// for kernel redirection). Writes from several sources are serialized; the target is closed at the end.</summary>
internal static class Relay
{
    /// <summary>Starts copying; the task completes when every source has ended and the target is closed.</summary>
    public static Task Start(IReadOnlyList<Stream> sources, Stream target)
    {
        var gate = new SemaphoreSlim(1, 1);
        var copies = sources.Select(source => CopyAsync(source, target, gate)).ToArray();
        return CloseWhenDoneAsync(copies, sources, target);
    }

    private static async Task CopyAsync(Stream source, Stream target, SemaphoreSlim gate)
    {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await target.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                await target.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static async Task CloseWhenDoneAsync(Task[] copies, IReadOnlyList<Stream> sources, Stream target)
    {
        try
        {
            await Task.WhenAll(copies).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A reader that went away (broken pipe) ends the relay, as it would end a kernel pipe.
        }
        finally
        {
            foreach (Stream source in sources)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
            if (target != Stream.Null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

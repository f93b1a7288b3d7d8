namespace Subprocess.Pipes;

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

    /// <summary>Copies <paramref name="from"/> into <paramref name="to"/> until end of file, closing only
    /// the one that is ours (<paramref name="closeTo"/>: the target is a pipe to the child, whose end
    /// of file matters; otherwise the source is the pipe). A broken pipe ends the copy quietly.</summary>
    public static async Task CopyAsync(Stream from, Stream to, bool closeTo)
    {
        try
        {
            await from.CopyToAsync(to, 64 * 1024).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The child closed its end (broken pipe), or the pipe was abandoned after the child exited.
        }
        finally
        {
            await (closeTo ? to : from).DisposeAsync().ConfigureAwait(false);
        }
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

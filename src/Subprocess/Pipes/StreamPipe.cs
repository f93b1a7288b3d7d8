namespace Subprocess.Pipes;

/// <summary>
/// A child stream that is only available as a .NET <see cref="Stream"/> (the portable spawner's
/// <c>Process</c> pipes). Pumps are async copy loops on the thread pool.
/// </summary>
internal sealed class StreamPipe(string name, Stream stream) : ChildPipe(name)
{
    public override Stream Stream => stream;

    public override void PumpInto(IByteSink sink, Communication communication)
    {
        communication.PumpStarting();
        _ = ReadAllAsync(sink, communication);
    }

    public override void PumpFrom(ReadOnlyMemory<byte> input, Communication communication)
    {
        communication.PumpStarting();
        _ = WriteAllAsync(input, communication);
    }

    public override bool IsClosed => !stream.CanRead && !stream.CanWrite;

    public override void Dispose() => stream.Dispose();

    private async Task ReadAllAsync(IByteSink sink, Communication communication)
    {
        Exception? error = null;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(sink.GetFreeSpace()).ConfigureAwait(false)) > 0)
            {
                sink.Advance(n);
            }
        }
        catch (ObjectDisposedException)
        {
            // The caller closed the stream: what it read is not ours to report.
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            Dispose();
        }
        communication.PumpFinished(error);
    }

    private async Task WriteAllAsync(ReadOnlyMemory<byte> input, Communication communication)
    {
        Exception? error = null;
        try
        {
            await stream.WriteAsync(input).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The child closed stdin early (broken pipe): ignored, as Python's communicate does.
        }
        catch (ObjectDisposedException)
        {
            // The caller closed stdin already: nothing more to write, as in Python.
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            try
            {
                Dispose();
            }
            catch (IOException)
            {
                // Flushing on close can hit the same broken pipe.
            }
        }
        communication.PumpFinished(error);
    }
}

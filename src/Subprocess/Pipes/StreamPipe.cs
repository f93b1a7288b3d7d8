namespace Subprocess.Pipes;

/// <summary>
/// A child stream that is only available as a .NET <see cref="Stream"/> (the portable spawner's
/// <c>Process</c> pipes). Pumps are async copy loops on the thread pool.
/// </summary>
internal sealed class StreamPipe(string name, Stream stream) : ChildPipe(name)
{
    /// <summary>A pipe within this process: the parent's end (reading or writing, as <paramref name="parentEnd"/>
    /// says), guarded, as the pipe the caller uses, and the other end for whoever feeds or drains it (a relay
    /// merging a child's streams, a fake child).</summary>
    public static (StreamPipe Parent, Stream Other) InProcess(string name, System.IO.Pipes.PipeDirection parentEnd)
    {
        var parent = new System.IO.Pipes.AnonymousPipeServerStream(parentEnd);
        try
        {
            var other = new System.IO.Pipes.AnonymousPipeClientStream(
                parentEnd == System.IO.Pipes.PipeDirection.In ? System.IO.Pipes.PipeDirection.Out : System.IO.Pipes.PipeDirection.In,
                parent.ClientSafePipeHandle);
            return (new StreamPipe(name, GuardedPipeStream.Over(parent)), other);
        }
        catch
        {
            parent.Dispose();
            throw;
        }
    }

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
            while (true)
            {
                Memory<byte> free = sink.GetFreeSpace();
                int n = 0;
                try
                {
                    n = await stream.ReadAsync(free).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ObjectDisposedException || (e is IOException && IsClosed))
                {
                    // The caller closed our end, before this read or during it (a read in progress ends
                    // "Operation canceled"): what it read is not ours to report.
                    break;
                }
                finally
                {
                    // Always paired, even after nothing or a failed read (see IByteSink); a full limit or a
                    // refusing target is reported below.
                    sink.Advance(n);
                }
                if (n == 0)
                {
                    sink.Finish();
                    break;
                }
            }
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

using Subprocess.Waiting;

namespace Subprocess.Pipes;

/// <summary>
/// The copies between a child's pipes and streams of the caller's (<see cref="Stdio.Stream"/>): input
/// copied from the caller's stream into the child's stdin, which is then closed; output pumped as
/// <c>Communicate</c> pumps it (by the event loop on Linux, no thread per stream) into the caller's
/// stream. The pipes are the copies', never the caller's to read. A wait on the child includes them.
/// </summary>
internal sealed class StreamCopies
{
    private readonly List<ChildPipe> _pipes = [];
    private readonly List<Communication> _outputs = [];
    private readonly List<Task> _copies = [];
    private Gate? _done;

    /// <summary>Opens when every copy has finished; null when there are none.</summary>
    public Gate? Done => _done;

    /// <summary>The first failure of an output copy (the caller's stream refused it: closed, disk full).</summary>
    public Exception? Error => _outputs.Find(output => output.Error is not null)?.Error;

    /// <summary>Starts copying <paramref name="from"/> into the child's <paramref name="stdin"/>.</summary>
    public void CopyInput(Stream from, ChildPipe stdin)
    {
        _pipes.Add(stdin);
        _copies.Add(Relay.CopyAsync(from, stdin.Stream, closeTo: true));
    }

    /// <summary>Starts pumping the child's <paramref name="output"/> into <paramref name="to"/> (a caller's
    /// stream, or lines to a callback).</summary>
    public void CopyOutput(ChildPipe output, IByteSink to)
    {
        _pipes.Add(output);
        // A one-pump communication reports when it reaches end of file.
        var copy = new Communication(stages: 0, limit: long.MaxValue);
        _outputs.Add(copy);
        output.PumpInto(to, copy);
        copy.Started();
        _copies.Add(copy.Done.Opened);
    }

    /// <summary>All copies are started: from here <see cref="Done"/> reports when they end.</summary>
    public void Started()
    {
        if (_copies.Count == 0)
        {
            return;
        }
        _done = new Gate();
        _ = Task.WhenAll(_copies).ContinueWith(
            static (_, gate) => ((Gate)gate!).Open(), _done,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Closes the pipes: once the copies are done, or to stop them when something the child
    /// started still holds a pipe after the child exited. A copy stopped so is abandoned, as
    /// <c>Communicate</c> abandons a drain: its pipe's closing is no failure of the copy.</summary>
    public void Close()
    {
        foreach (Communication output in _outputs)
        {
            output.Abandon();
        }
        foreach (ChildPipe pipe in _pipes)
        {
            pipe.Dispose();
        }
    }
}

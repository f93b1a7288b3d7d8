using Subprocess.Pipes;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

internal sealed partial class RunningStages
{
    /// <summary>
    /// Python's <c>communicate</c>: feeds stdin, drains stdout and every stderr, and returns when the
    /// stages have exited and their pipes are drained. Cancelling ends the tree before the cancellation
    /// goes through; a timeout leaves the stages running, and a later call resumes where this one stopped.
    /// </summary>
    public async ValueTask<ProcessOutput> CommunicateAsync(Waiter waiter, ReadOnlyMemory<byte> input, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _released) != 0)
        {
            // Its pipes are closed: an empty result would look like a child that wrote nothing.
            throw Disposed();
        }
        try
        {
            Communication communication = await CollectAsync(waiter, input, timeout, cancellationToken).ConfigureAwait(false);
            return communication.Snapshot(Settings.Encoding, release: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await EndAsync(waiter, tree: true, ChildTrace.Cancelled).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException && e is not ObjectDisposedException
            && Volatile.Read(ref _released) != 0)
        {
            // Disposed on another thread after the check above: its pipes were closed under the
            // communication, which then found stdin "already closed" or a pump's pipe gone. The
            // disposal is the news.
            throw Disposed();
        }
    }

    private ObjectDisposedException Disposed() =>
        new(objectName: null, message: $"{Launching.CommandLine.InMessage(CommandLine)} was disposed: its pipes are closed, so there is nothing to communicate.");

    /// <summary>
    /// The engine of <see cref="CommunicateAsync"/>, leaving the output where it was collected (in
    /// memory, or spilled to files under <paramref name="spool"/>). Exit, not end of file, is what ends
    /// the wait: if a grandchild keeps a pipe open after the exits, the rest is drained for the drain
    /// timeout and then abandoned, and the output says it is incomplete.
    /// </summary>
    /// <exception cref="ProcessTimeoutException"><paramref name="timeout"/> passed first, with the output so far.</exception>
    /// <exception cref="OutputLimitException">A stream passed the limit; the tree has been ended.</exception>
    public async ValueTask<Communication> CollectAsync(Waiter waiter, ReadOnlyMemory<byte> input, TimeSpan? timeout,
        CancellationToken cancellationToken, string? spool = null)
    {
        Communication communication = Exchange.Start(input, Settings.MaxOutput, spool, waiter.Loop);
        // A communication resumed from an earlier call keeps its pumps where they are.
        waiter = waiter.For(communication.Loop);
        waiter.WhenExited(_controls, communication.ProcessesExited);

        long started = waiter.Time.GetTimestamp();
        if (!await waiter.WaitAsync(communication.DoneOrExited, timeout, cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(timeout!.Value, communication.Snapshot(Settings.Encoding));
        }
        if (communication.Error is OutputLimitException overflow)
        {
            throw await OverflowedAsync(waiter, communication, overflow).ConfigureAwait(false);
        }
        await DrainAsync(waiter, communication, cancellationToken).ConfigureAwait(false);
        if (!await WaitAllAsync(waiter, waiter.Remaining(timeout, started), cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(timeout!.Value, communication.Snapshot(Settings.Encoding));
        }
        if (communication.Error is OutputLimitException lateOverflow)
        {
            // The exit was seen before the pump had read past the limit: the excess came in the drain.
            throw await OverflowedAsync(waiter, communication, lateOverflow).ConfigureAwait(false);
        }
        if (communication.Error is Exception error)
        {
            throw new IOException($"Communicating with {Launching.CommandLine.InMessage(CommandLine)} failed: {error.Message}", error);
        }
        return communication;
    }

    /// <summary>After the tree was ended: what its pipes still hold, collected for at most the drain
    /// timeout (a grandchild outside the group could keep them open forever).</summary>
    public async ValueTask<Communication?> DrainAfterEndAsync(Waiter waiter)
    {
        if (Exchange.Current is not Communication communication)
        {
            return null;
        }
        await DrainAsync(waiter.For(communication.Loop), communication, default).ConfigureAwait(false);
        return communication;
    }

    /// <summary>Ends the tree (grandchildren may still write; the other streams keep flowing meanwhile)
    /// and gives the overflow with the output kept.</summary>
    private async ValueTask<OutputLimitException> OverflowedAsync(Waiter waiter, Communication communication, OutputLimitException overflow)
    {
        await EndAsync(waiter, tree: true, ChildTrace.OutputLimit).ConfigureAwait(false);
        Exchange.Abandon(communication);
        return overflow.For(CommandLine, communication.Snapshot(Settings.Encoding, release: true));
    }

    /// <summary>
    /// After the exits: reads on until end of file, for at most the drain timeout, counted from the
    /// moment the exits were seen; then whatever still holds the pipes is given up on. The bound is on
    /// total time, not on silence: a grandchild that keeps writing would otherwise keep the caller
    /// waiting for as long as it lives. What the children wrote is already in the pipes when they
    /// exit, and reading that takes far less than the drain timeout.
    /// </summary>
    private async ValueTask DrainAsync(Waiter waiter, Communication communication, CancellationToken cancellationToken)
    {
        if (!await waiter.WaitAsync(communication.Done, Settings.DrainTimeout, cancellationToken).ConfigureAwait(false))
        {
            Exchange.Abandon(communication);
        }
    }

    private ProcessTimeoutException TimedOut(TimeSpan timeout, ProcessOutput partial) =>
        new(CommandLine, timeout, partial.Stdout, partial.Stderr);
}

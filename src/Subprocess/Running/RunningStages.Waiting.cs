using Subprocess.Pipes;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

internal sealed partial class RunningStages
{
    /// <summary>The verdict once every stage has exited (<c>Wait</c>, <c>WaitAsync</c>). Cancelling
    /// ends the tree before the cancellation goes through: the work is no longer wanted.</summary>
    /// <exception cref="ProcessTimeoutException"><paramref name="timeout"/> passed first; the stages keep running.</exception>
    /// <exception cref="SshConnectionException">A remote stage's connection was lost.</exception>
    public async ValueTask<ExitStatus> WaitAsync(Waiter waiter, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            if (!await WaitAllAsync(waiter, timeout, cancellationToken).ConfigureAwait(false))
            {
                throw new ProcessTimeoutException(CommandLine, timeout!.Value, [], []);
            }
            ExitStatus verdict = Poll()!.Value;
            ThrowIfFailed();
            return verdict;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await EndAsync(waiter, tree: true, ChildTrace.Cancelled).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for every stage to exit, within one deadline, and then for the copies into the
    /// caller's streams; false if the deadline passed first.</summary>
    /// <exception cref="IOException">A copy into a caller's stream failed.</exception>
    public async ValueTask<bool> WaitAllAsync(Waiter waiter, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!await waiter.WaitExitedAsync(_controls, timeout, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        await FinishCopiesAsync(waiter, cancellationToken).ConfigureAwait(false);
        foreach (Stage stage in _stages)
        {
            if (stage.Copies?.Error is Exception failed)
            {
                // The caller's stream refused the output (closed, full disk): say so rather than lose it quietly.
                throw new IOException($"Copying the output of {Launching.CommandLine.InMessage(CommandLine)} into the given stream failed: {failed.Message}", failed);
            }
        }
        return true;
    }

    /// <summary>After the exits: lets the copies into the caller's streams finish, for at most the
    /// drain timeout; something the child started may hold a pipe forever, and is then given up on.</summary>
    private async ValueTask FinishCopiesAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        foreach (Stage stage in _stages)
        {
            // The copies' pumps live on the shared loop (pumpLoop: null), whichever way the call waits.
            if (stage.Copies?.Done is { IsOpen: false } done
                && !await waiter.For(pumpLoop: null).WaitAsync(done, Settings.DrainTimeout, cancellationToken).ConfigureAwait(false))
            {
                stage.Copies!.Close();
            }
        }
    }
}

using System.Diagnostics;
using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess;

public sealed partial class ChildProcess
{
    private readonly object _communicationLock = new();
    private Communication? _communication;

    /// <summary>
    /// Python's <c>communicate()</c>: writes <paramref name="input"/> to the child's stdin and closes
    /// it, while reading stdout and stderr to their ends, all at once so no pipe can fill up and
    /// deadlock; then waits for the child to exit. Streams that were not piped come back empty.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="timeout"/>, throws <see cref="ProcessTimeoutException"/> (carrying the
    /// output so far) and leaves the child running, as Python does: call <see cref="Terminate"/> and
    /// <see cref="Wait"/>, or call <see cref="Communicate"/> again, which resumes without losing
    /// output (the input is not written twice). A child that closes stdin early is not an error.
    /// </remarks>
    /// <exception cref="InvalidOperationException"><paramref name="input"/> is not empty but stdin was not piped.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="ProcessTimeoutException">The timeout passed first.</exception>
    public ProcessOutput Communicate(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null)
    {
        ValidateTimeout(timeout);
        return Synchronously.Result(CommunicateCoreAsync(input, timeout, synchronous: true, default));
    }

    /// <summary>The asynchronous <see cref="Communicate"/>. Cancelling <paramref name="cancellationToken"/>
    /// throws <see cref="OperationCanceledException"/> and, like a timeout, leaves the child running.</summary>
    public Task<ProcessOutput> CommunicateAsync(ReadOnlyMemory<byte> input = default, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ValidateTimeout(timeout);
        return CommunicateCoreAsync(input, timeout, synchronous: false, cancellationToken).AsTask();
    }

    /// <summary>The engine under both twins.</summary>
    internal async ValueTask<ProcessOutput> CommunicateCoreAsync(ReadOnlyMemory<byte> input, TimeSpan? timeout, bool synchronous,
        CancellationToken cancellationToken)
    {
        Communication communication = StartCommunication(input);
        long started = Stopwatch.GetTimestamp();
        if (!await WaitForPumpsAsync(communication, timeout, synchronous, cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(timeout!.Value, communication.Snapshot());
        }
        TimeSpan? remaining = timeout - Stopwatch.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero
            || await WaitCoreAsync(remaining, synchronous, cancellationToken).ConfigureAwait(false) is null)
        {
            throw TimedOut(timeout!.Value, communication.Snapshot());
        }
        if (communication.Error is Exception error)
        {
            throw new IOException($"Communicating with '{CommandLine}' failed: {error.Message}", error);
        }
        return communication.Snapshot();
    }

    /// <summary>What has been collected so far by a communication that may still be running.</summary>
    internal ProcessOutput? PartialOutput()
    {
        lock (_communicationLock)
        {
            return _communication?.Snapshot();
        }
    }

    internal Communication StartCommunication(ReadOnlyMemory<byte> input)
    {
        lock (_communicationLock)
        {
            if (_communication is not null)
            {
                return _communication;
            }
            if (!input.IsEmpty && _stdin is null)
            {
                throw new InvalidOperationException(
                    "Input was given but the child's stdin was not piped; start the command with WithStdin(Stdio.Pipe).");
            }
            var communication = new Communication();
            // A stream the caller has already closed (say, stdin after writing it) is skipped, as in Python.
            if (_stdin is { IsClosed: false })
            {
                _stdin.PumpFrom(input, communication);
            }
            else if (!input.IsEmpty)
            {
                throw new InvalidOperationException("Input was given but the child's stdin has already been closed.");
            }
            if (_stdout is { IsClosed: false })
            {
                _stdout.PumpInto(communication.Stdout, communication);
            }
            if (_stderr is { IsClosed: false })
            {
                _stderr.PumpInto(communication.Stderr, communication);
            }
            communication.Started();
            return _communication = communication;
        }
    }

    internal static async ValueTask<bool> WaitForPumpsAsync(Communication communication, TimeSpan? timeout, bool synchronous,
        CancellationToken cancellationToken)
    {
        if (synchronous || communication.IsDone)
        {
            return communication.Wait(timeout);
        }
        try
        {
            await communication.Completion.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

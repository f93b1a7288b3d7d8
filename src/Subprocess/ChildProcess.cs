using Subprocess.Launching;
using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess;

/// <summary>
/// A running (or finished) child process: Python's <c>Popen</c>. Returned by
/// <see cref="Command.Start"/>. Disposing a child that is still running ends it (SIGTERM to it, or
/// to its process group if it has one, then SIGKILL after the command's grace period) and releases
/// its pipes and pidfd: no child outlives its handle, nor this process (children still running
/// when it exits, or is ended by SIGINT, SIGTERM, SIGHUP or SIGQUIT, are ended the same way),
/// unless it was started <see cref="Command.Detached"/>. Only a child that leads its own process
/// group (<see cref="HasOwnProcessGroup"/>) is ended with its tree; any other is signalled alone,
/// and whatever it started in the background keeps running.
/// </summary>
/// <example><code>
/// using var child = Command.Create("sort").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
/// ProcessOutput output = child.Communicate("b\na\n"u8.ToArray());
/// // output.StdoutText == "a\nb\n", child.Poll()?.Code == 0
/// </code></example>
public sealed partial class ChildProcess : IDisposable, IAsyncDisposable, IRunningProcess
{
    private readonly LaunchPlan _plan;
    private readonly ProcessControl _control;
    private readonly Exchange _exchange;

    /// <summary>Opens when the copies to and from <see cref="Stdio.Stream"/> targets are done (null: none);
    /// a wait on the child includes them.</summary>
    private readonly Gate? _relaysDone;
    private readonly List<ChildPipe> _relayedPipes = [];
    private readonly List<Communication> _relayCopies = [];
    private int _disposed;

    internal ChildProcess(LaunchPlan plan, ProcessControl control, ChildPipe? stdin, ChildPipe? stdout, ChildPipe? stderr,
        DateTimeOffset startTime)
    {
        _plan = plan;
        _control = control;
        var relays = new List<Task>(3);
        _exchange = new Exchange(
            Relayed(plan.Spec.Stdin, stdin, relays),
            Relayed(plan.Spec.Stdout, stdout, relays),
            [Relayed(plan.Spec.Stderr, stderr, relays)]);
        if (relays.Count > 0)
        {
            _relaysDone = new Gate();
            _ = Task.WhenAll(relays).ContinueWith(
                static (_, gate) => ((Gate)gate!).Open(), _relaysDone,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        StartTime = startTime;
        if (!plan.Spec.Detached)
        {
            LiveChildren.Track(control, plan.Spec.GracePeriod);
        }
    }

    /// <summary>The child's process ID. After the child has exited and been reaped, the number may
    /// belong to another process; use this object's methods, not the number, to signal it.</summary>
    public int Pid => _control.Pid;

    /// <summary>The command line this child was started with.</summary>
    public string CommandLine => _plan.CommandLine;

    /// <summary>When the child was spawned.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>The child's stdin, writable, when the command used <see cref="Stdio.Pipe"/> for it.
    /// Dispose it (or let <see cref="Communicate"/> close it) to send end of file.</summary>
    /// <exception cref="InvalidOperationException">stdin was not piped.</exception>
    /// <exception cref="IOException">(From writes) The child has closed its stdin, by exiting or otherwise;
    /// the message says so and names the command.</exception>
    public Stream Stdin
    {
        get
        {
            Stream pipe = Piped(_exchange.Stdin, "stdin", nameof(Command.WithStdin)).Stream;
            // One wrapper for the one pipe stream, made once, however many threads ask at once.
            if (_stdin is null)
            {
                Interlocked.CompareExchange(ref _stdin, new ChildStdin(pipe, CommandLine), null);
            }
            return _stdin;
        }
    }

    private Stream? _stdin;

    /// <summary>The child's stdout, readable, when the command used <see cref="Stdio.Pipe"/> for it.</summary>
    /// <exception cref="InvalidOperationException">stdout was not piped.</exception>
    public Stream Stdout => Piped(_exchange.Stdout, "stdout", nameof(Command.WithStdout)).Stream;

    /// <summary>The child's stderr, readable, when the command used <see cref="Stdio.Pipe"/> for it.</summary>
    /// <exception cref="InvalidOperationException">stderr was not piped.</exception>
    public Stream Stderr => Piped(_exchange.Stderrs[0], "stderr", nameof(Command.WithStderr)).Stream;

    /// <summary>Whether the child leads its own process group, so ending it ends its tree: see
    /// <see cref="Command.WithNewProcessGroup"/> for when it does.</summary>
    public bool HasOwnProcessGroup => _control.OwnGroup;

    internal ProcessControl Control => _control;

    internal ExitLatch Exit => _control.Exit;

    /// <summary>
    /// Sends signal number <paramref name="signal"/> to the child (through its pidfd on Linux). After
    /// the child has exited this does nothing and throws nothing: a recycled PID is never signalled.
    /// </summary>
    public void Signal(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signal);
        _control.Signal(signal, group: false);
    }

    /// <summary>Sends SIGTERM (Python's <c>terminate()</c>); the status then reads "killed by SIGTERM", ReturnCode -15.</summary>
    public void Terminate() => Signal(Native.Libc.SIGTERM);

    /// <summary>Sends SIGKILL (Python's <c>kill()</c>); ReturnCode -9.</summary>
    public void Kill() => Signal(Native.Libc.SIGKILL);

    /// <summary>
    /// Sends <paramref name="signal"/> to the child's whole process group: the child and everything it
    /// started that stayed in the group, even after the child itself has exited. Needs a child that
    /// leads its own group (<see cref="Command.WithNewProcessGroup"/>, a timeout, or
    /// <see cref="Command.Detached"/>). The portable spawner can only kill a tree, not signal it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child shares this process's group, so its tree cannot be told apart.</exception>
    public void SignalTree(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signal);
        if (!_control.CanSignalTree)
        {
            throw new InvalidOperationException(
                "The child shares this process's process group, so its tree cannot be signalled apart from ours; " +
                "start it with WithNewProcessGroup().");
        }
        _control.Signal(signal, group: true);
    }

    /// <summary>SIGTERM to the child's whole process group; see <see cref="SignalTree"/>.</summary>
    public void TerminateTree() => SignalTree(Native.Libc.SIGTERM);

    /// <summary>SIGKILL to the child's whole process group; see <see cref="SignalTree"/>.</summary>
    public void KillTree() => SignalTree(Native.Libc.SIGKILL);

    /// <summary>Ends the child as <see cref="Dispose"/> would, if it is still running, then releases it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (Poll() is null && !_plan.Spec.Detached)
        {
            Synchronously.Result(EndTreeAsync(synchronous: true, group: HasOwnProcessGroup));
        }
        Release();
    }

    /// <summary>The asynchronous <see cref="Dispose"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (Poll() is null && !_plan.Spec.Detached)
        {
            await EndTreeAsync(synchronous: false, group: HasOwnProcessGroup).ConfigureAwait(false);
        }
        Release();
    }

    private void Release()
    {
        _exchange.Dispose();
        foreach (ChildPipe pipe in _relayedPipes)
        {
            pipe.Dispose();
        }
        _control.Dispose();
    }

    /// <summary>For a <see cref="Stdio.Stream"/> target, starts the copy and keeps the pipe out of
    /// the caller's reach (it is the copy's); any other pipe is returned as it is.</summary>
    private ChildPipe? Relayed(Stdio stdio, ChildPipe? pipe, List<Task> relays)
    {
        if (stdio is not Stdio.StreamTarget target || pipe is null)
        {
            return pipe;
        }
        _relayedPipes.Add(pipe);
        if (pipe.ToString() == "stdin")
        {
            relays.Add(Relay.CopyAsync(target.Target, pipe.Stream, closeTo: true));
            return null;
        }
        // Output is pumped like Communicate's (by the event loop on Linux, no thread per stream)
        // into the caller's stream; a one-pump communication reports when it reaches end of file.
        var copy = new Communication(stages: 0, limit: long.MaxValue);
        _relayCopies.Add(copy);
        pipe.PumpInto(new StreamSink(target.Target), copy);
        copy.Started();
        relays.Add(copy.Done.Opened);
        return null;
    }

    private static ChildPipe Piped(ChildPipe? pipe, string name, string method) =>
        pipe ?? throw new InvalidOperationException(
            $"The child's {name} was not piped; start the command with {method}(Stdio.Pipe) to use it.");
}

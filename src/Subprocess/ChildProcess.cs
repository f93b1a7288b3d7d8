using Subprocess.Native;
using Subprocess.Running;
using Subprocess.Waiting;

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
public sealed partial class ChildProcess : IDisposable, IAsyncDisposable
{
    private readonly RunningStages _run;
    private Terminal? _terminal;

    internal ChildProcess(RunningStages run) => _run = run;

    /// <summary>The child's process ID. After the child has exited and been reaped, the number may
    /// belong to another process; use this object's methods, not the number, to signal it.</summary>
    public int Pid => _run.Controls[0].Pid;

    /// <summary>The command line this child was started with.</summary>
    public string CommandLine => _run.CommandLine;

    /// <summary>When the child was spawned.</summary>
    public DateTimeOffset StartTime => _run.StartTime;

    /// <summary>The child's stdin, writable, when the command used <see cref="Stdio.Pipe"/> for it.
    /// Dispose it (or let <see cref="Communicate(ReadOnlyMemory{byte}, TimeSpan?)"/> close it) to send end of file.</summary>
    /// <exception cref="InvalidOperationException">stdin was not piped.</exception>
    /// <exception cref="IOException">(From writes) The child has closed its stdin, by exiting or otherwise;
    /// the message says so and names the command.</exception>
    public Stream Stdin => _run.Stdin;

    /// <summary>The child's stdout, readable, when the command used <see cref="Stdio.Pipe"/> for it.</summary>
    /// <exception cref="InvalidOperationException">stdout was not piped.</exception>
    public Stream Stdout => _run.Stdout;

    /// <summary>The child's stderr, readable, when the command used <see cref="Stdio.Pipe"/> for it.</summary>
    /// <exception cref="InvalidOperationException">stderr was not piped.</exception>
    public Stream Stderr => _run.Stderr;

    /// <summary>The child's pseudo-terminal, when it was started with <see cref="Command.WithTerminal"/>:
    /// read what it shows, type to it, expect, resize.</summary>
    /// <exception cref="InvalidOperationException">It was started without a terminal.</exception>
    public Terminal Terminal
    {
        get
        {
            if (_terminal is null)
            {
                Pipes.TerminalStream stream = _run.Terminal ?? throw new InvalidOperationException(
                    $"{Launching.CommandLine.InMessage(CommandLine)} was started without a terminal; start it with WithTerminal() to have one.");
                _ = Interlocked.CompareExchange(ref _terminal, new Terminal(stream), null);
            }
            return _terminal;
        }
    }

    /// <summary>Whether the child leads its own process group, so ending it ends its tree: see
    /// <see cref="Command.WithNewProcessGroup"/> for when it does.</summary>
    public bool HasOwnProcessGroup => _run.Controls[0].OwnGroup;

    /// <summary>The spawner's hold on the child, for the specs.</summary>
    internal Spawning.ProcessControl Control => _run.Controls[0];

    /// <summary>
    /// Sends signal number <paramref name="signal"/> to the child (through its pidfd on Linux). After
    /// the child has exited this does nothing and throws nothing: a recycled PID is never signalled.
    /// </summary>
    public void Signal(int signal)
    {
        ValidSignal(signal);
        _run.Controls[0].Signal(signal, group: false);
    }

    /// <summary>Sends SIGTERM (Python's <c>terminate()</c>); the status then reads "killed by SIGTERM", ReturnCode -15.</summary>
    public void Terminate() => Signal(Signals.SIGTERM);

    /// <summary>Sends SIGKILL (Python's <c>kill()</c>); ReturnCode -9.</summary>
    public void Kill() => Signal(Signals.SIGKILL);

    /// <summary>
    /// Sends <paramref name="signal"/> to the child's whole process group: the child and everything it
    /// started that stayed in the group, even after the child itself has exited. Needs a child that
    /// leads its own group (<see cref="Command.WithNewProcessGroup"/>, <see cref="Command.Detached"/>, or a
    /// timeout when it does not read this process's terminal; see <see cref="HasOwnProcessGroup"/>). The portable spawner can only kill a tree, not signal it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child shares this process's group, so its tree cannot be told apart.</exception>
    public void SignalTree(int signal)
    {
        ValidSignal(signal);
        if (!_run.Controls[0].CanSignalTree)
        {
            throw new InvalidOperationException(
                "The child shares this process's process group, so its tree cannot be signalled apart from ours; " +
                "start it with WithNewProcessGroup().");
        }
        _run.Controls[0].Signal(signal, group: true);
    }

    /// <summary>SIGTERM to the child's whole process group; see <see cref="SignalTree"/>.</summary>
    public void TerminateTree() => SignalTree(Signals.SIGTERM);

    /// <summary>SIGKILL to the child's whole process group; see <see cref="SignalTree"/>.</summary>
    public void KillTree() => SignalTree(Signals.SIGKILL);

    /// <summary>Refuses a signal number Linux does not have (1 to 64), at the call that brings it.</summary>
    internal static void ValidSignal(int signal)
    {
        if (signal is < 1 or > Signals.SIGRTMAX)
        {
            throw new ArgumentOutOfRangeException(nameof(signal), signal, $"Signal numbers run from 1 to {Signals.SIGRTMAX}, not {signal}.");
        }
    }

    /// <summary>Ends the child as the class remarks say, if it is still running, then releases it.</summary>
    public void Dispose()
    {
        using Waiter waiter = Waiter.Blocking();
        Synchronously.Complete(_run.DisposeAsync(waiter, tree: HasOwnProcessGroup));
    }

    /// <summary>The async twin of <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync(Waiter.Awaiting, tree: HasOwnProcessGroup);
}

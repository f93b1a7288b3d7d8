using System.Diagnostics;
using Subprocess.Pipes;

namespace Subprocess.Spawning;

/// <summary>A child started through <see cref="System.Diagnostics.Process"/>.</summary>
internal sealed class PortableProcessControl : ProcessControl
{
    private readonly Process _process;
    private readonly List<Task> _relays = [];
    private readonly List<Stream> _pipes = [];
    private int _lastSignal;

    public PortableProcessControl(Process process) : base(process.Id, groupId: 0) => _process = process;

    /// <summary>
    /// One of the process's pipe streams, guarded so that it can be disposed while another thread
    /// starts using it (see <see cref="GuardedPipeStream"/>), and released with the control.
    /// </summary>
    public Stream Guard(Stream pipe)
    {
        var guarded = new GuardedPipeStream(pipe);
        _pipes.Add(guarded);
        return guarded;
    }

    /// <summary>Starts watching for exit once the spawner has started every relay, which must
    /// finish (their output written) before the exit counts, as a kernel redirection would have.</summary>
    public void Watch(IEnumerable<Task> relays)
    {
        _relays.AddRange(relays);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _ = CompleteAfterRelaysAsync();
        // An exit before the handler was attached raises no event.
        _ = CompleteAfterRelaysAsync();
    }

    private async Task CompleteAfterRelaysAsync()
    {
        if (!_process.HasExited)
        {
            return;
        }
        try
        {
            await Task.WhenAll(_relays).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed relay has already lost its output; the exit status is still the truth.
        }
        Poll();
    }

    /// <summary>Process.Kill(entireProcessTree: true) reaches the tree, though only to kill it.</summary>
    public override bool CanSignalTree => true;

    public override ExitStatus? Poll()
    {
        if (Exit.Status is ExitStatus done)
        {
            return done;
        }
        if (!_process.HasExited || _relays.Any(r => !r.IsCompleted))
        {
            return null;
        }
        int code = _process.ExitCode;
        // On Unix, Process reports death by signal N as exit code 128+N. That is ambiguous; it is
        // read as the signal only when this library sent exactly that signal.
        ExitStatus status = _lastSignal != 0 && code == 128 + _lastSignal ? ExitStatus.Killed(_lastSignal) : ExitStatus.Exited(code);
        Completed(status);
        return Exit.Status;
    }

    public override bool Signal(int signal, bool group)
    {
        // Poll stays null while relays still copy the output of a child Process has already reaped,
        // and a reaped child's PID may be someone else's by now: ask Process, which knows.
        if (Poll() is not null || _process.HasExited)
        {
            return false;
        }
        if (signal == Native.Signals.SIGCONT)
        {
            // Sent after SIGTERM so that a stopped child acts on it; a tree here was killed outright,
            // and Windows stops no process. Not a signal the child could die of, so not remembered.
            return !group && !OperatingSystem.IsWindows() && Native.Libc.kill(Pid, signal) == 0;
        }
        if (OperatingSystem.IsWindows())
        {
            if (signal is not (Native.Signals.SIGKILL or Native.Signals.SIGTERM))
            {
                throw new PlatformNotSupportedException($"Only SIGTERM and SIGKILL (both: terminate) exist on Windows, not {Native.Signals.Name(signal)}.");
            }
            _process.Kill(entireProcessTree: group);
            return true;
        }
        if (group && signal is not (Native.Signals.SIGKILL or Native.Signals.SIGTERM))
        {
            throw new PlatformNotSupportedException(
                $"The portable spawner can only kill a process tree, not send it {Native.Signals.Name(signal)}.");
        }
        if (signal == Native.Signals.SIGKILL || group)
        {
            // Process can end a whole tree only by killing it: there is no group to send SIGTERM
            // to, and terminating just the child would orphan its own children. So ending a tree
            // here skips the grace period.
            _lastSignal = Native.Signals.SIGKILL;
            _process.Kill(entireProcessTree: group);
            return true;
        }
        _lastSignal = signal;
        return Native.Libc.kill(Pid, signal) == 0;
    }

    public override void Dispose()
    {
        // Process.Close disposes the streams it made, past the guards: closing them through the guards
        // first leaves it nothing to race.
        foreach (Stream pipe in _pipes)
        {
            pipe.Dispose();
        }
        _process.Dispose();
    }
}

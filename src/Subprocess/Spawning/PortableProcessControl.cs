using System.Diagnostics;
using Subprocess.Native;
using Subprocess.Pipes;

namespace Subprocess.Spawning;

/// <summary>
/// A child started through <see cref="System.Diagnostics.Process"/>. On Unix, <c>Process</c> reports a
/// death by signal N as exit code 128+N, as an exit with that code would be. On Linux 6.15+ the control
/// holds a pidfd from the start, through which the kernel keeps the real wait status for whoever reaps
/// the child, so the two are told apart there as the Linux spawner tells them.
/// </summary>
internal sealed class PortableProcessControl : ProcessControl
{
    private readonly Process _process;
    private readonly List<Task> _relays = [];
    private readonly List<Stream> _pipes = [];
    private readonly SafePidfdHandle? _pidfd;
    private int _lastSignal;

    /// <param name="process">Just started: the pidfd is taken at once, before Process reaps the child.</param>
    public PortableProcessControl(Process process) : base(process.Id, groupId: 0)
    {
        _process = process;
        // Null where there are no pidfds (not Linux, kernel before 5.3), or if Process has already
        // reaped a child that ended while Process.Start was still returning (ESRCH): Process reaps on
        // SIGCHLD as soon as Start lets go of its lock, and gives no way to hold the child sooner
        // (`sh -c 'kill -SEGV $$'` escaped 14 to 94 times in 3,000, all in Starts that took about a
        // millisecond). A PID is given out again only after the allocator has gone round all of
        // pid_max, which that moment cannot hold, so the descriptor is this child's.
        _pidfd = OperatingSystem.IsLinux() ? Pidfd.TryOpen(process.Id, out _) : null;
    }

    /// <summary>Whether a pidfd was taken before Process could reap the child: where the kernel keeps
    /// the wait status for it (6.15+), the exit is then read exactly.</summary>
    public bool HasPidfd => _pidfd is not null;

    /// <summary>
    /// One of the process's pipe streams, guarded so that it can be disposed while another thread
    /// starts using it (see <see cref="GuardedPipeStream"/>), and released with the control.
    /// </summary>
    public Stream Guard(Stream pipe)
    {
        Stream guarded = GuardedPipeStream.Over(pipe);
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
        Completed(RecordedStatus() ?? ReportedStatus(_process.ExitCode));
        return Exit.Status;
    }

    /// <summary>The wait status the kernel recorded at the reaping (Linux 6.15+, through the pidfd),
    /// or null where it cannot be had.</summary>
    private ExitStatus? RecordedStatus() => _pidfd is null ? null : Pidfd.TryReadExitInfo(_pidfd, out _);

    /// <summary>
    /// What Process reports, where nothing better is known: exit code 128+N is ambiguous, and is read
    /// as signal N only when this library sent exactly that signal to this child (Terminate, Kill, a
    /// timeout, Dispose); otherwise it is the code, as Process gives it.
    /// </summary>
    private ExitStatus ReportedStatus(int code) =>
        _lastSignal != 0 && code == 128 + _lastSignal ? ExitStatus.Killed(_lastSignal) : ExitStatus.Exited(code);

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
        if (Exit.Status is null && !_process.HasExited)
        {
            // Still running (a detached child, a half-started pipeline's stage just killed): Process stops
            // watching once disposed, and its exit would never be recorded, so it is kept until then.
            _ = ReleaseAfterExitAsync();
            return;
        }
        _process.Dispose();
        _pidfd?.Dispose();
    }

    private async Task ReleaseAfterExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            await CompleteAfterRelaysAsync().ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            _pidfd?.Dispose();
        }
    }
}

using System.Runtime.InteropServices;
using Subprocess.Launching;
using Subprocess.Native;

namespace Subprocess.Spawning;

/// <summary>
/// A job on a remote host, held through the local <c>ssh</c> that runs it: its exit is that <c>ssh</c>'s
/// (the remote program's status, which <c>ssh</c> passes on), and its signals go to the remote job's whole
/// process group through a session of their own (<see cref="IRemoteHost.Signal"/>). The local <c>ssh</c> is
/// left to end with the remote job, so its last output and its status come back, except on SIGKILL, which
/// ends it too. An <c>ssh</c> that ends with 255 while the shared connection is lost is not the program's
/// status: <see cref="Failure"/> says so.
/// </summary>
internal sealed class RemoteControl : ProcessControl
{
    /// <summary>How long a 255 waits for the connection to show it is gone: the session may see a broken
    /// connection before its master does (seen past 300 ms under load). Only a program's own 255 over a
    /// connection still up waits it out.</summary>
    private static readonly TimeSpan LostWithin = TimeSpan.FromSeconds(2);

    private readonly ProcessControl _local;
    private readonly IRemoteHost _host;
    private readonly string _connection;
    private readonly string _job;
    private int _signalled;
    private SshConnectionException? _failure;

    public RemoteControl(ProcessControl local, IRemoteHost host, string connection, string job)
        : base(local.Pid, local.GroupId)
    {
        _local = local;
        _host = host;
        _connection = connection;
        _job = job;
        // Whoever reaps the local ssh (the shared loop, or a caller's poll), this follows.
        _ = local.Exit.Task.ContinueWith(static (_, state) => ((RemoteControl)state!).Follow(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The remote job's group is always signalled, whatever the group of the local ssh.</summary>
    public override bool CanSignalTree => true;

    /// <summary>Why the status is not the remote program's: its connection was lost.</summary>
    public override SubprocessException? Failure => Exit.Status is null ? null : _failure;

    public override SafeHandle? ExitDescriptor => _local.ExitDescriptor;

    public override void StartReaping() => _local.StartReaping();

    public override ExitStatus? Poll() => _local.Poll() is null ? null : Follow();

    public override bool WaitForExit(TimeSpan? timeout)
    {
        if (!_local.WaitForExit(timeout))
        {
            return false;
        }
        Follow();
        return true;
    }

    public override bool Signal(int signal, bool group)
    {
        // An ssh that exited before any signal of ours has told the job's end. Once the job is being ended,
        // every signal goes on to the host: its ssh may have been ended here first (a pipeline's group signal,
        // which ssh answers by exiting 255) with the remote job still running.
        if (_local.Exit.Status is not null && Volatile.Read(ref _signalled) == 0)
        {
            return false;
        }
        if (signal == Signals.SIGCONT && Volatile.Read(ref _signalled) is not (Signals.SIGSTOP or Signals.SIGTSTP))
        {
            return true; // every signal session but a stop's sends SIGCONT after its signal
        }
        Interlocked.Exchange(ref _signalled, signal);
        _host.Signal(_connection, _job, signal);
        if (signal == Signals.SIGKILL)
        {
            // The remote group is killed; the local ssh need not wait for the connection to say so.
            _local.Signal(signal, group);
        }
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to the local group the ssh leads (a pipeline's other local stages).</summary>
    public bool SignalLocalGroup(int signal) => _local.Signal(signal, group: true);

    public override void Dispose() => _local.Dispose();

    /// <summary>Records the exit from the local ssh's, once: a status that a signal of ours explains is
    /// that signal (the job's shell reports 128+N; ssh says 255 when the shell itself was killed), and a
    /// 255 otherwise is a lost connection when the connection is gone.</summary>
    private ExitStatus Follow()
    {
        if (Exit.Status is { } known)
        {
            return known;
        }
        ExitStatus local = _local.Exit.Status!.Value;
        int signalled = Volatile.Read(ref _signalled);
        ExitStatus status = local;
        if (local.Code == 255 && local.Signal is null && signalled != Signals.SIGKILL && _host.IsLost(_connection, LostWithin))
        {
            _failure = new SshConnectionException(_host.Destination, _host.LostReason);
        }
        else if (signalled != 0 && (local.Code == 128 + signalled || local.Code == 255 || local.Signal == Signals.SIGKILL))
        {
            status = ExitStatus.Killed(signalled);
        }
        Completed(status);
        return Exit.Status!.Value;
    }
}

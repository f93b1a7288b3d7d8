using System.Diagnostics;
using Subprocess.Native;

namespace Subprocess.Telemetry;

/// <summary>
/// One child as its listeners see it: the activity from just before its spawn to its exit, and its
/// counts. Made only when someone listens (<see cref="Begin"/> returns null otherwise), so an
/// application that does not pays nothing more per child.
/// </summary>
internal sealed class ChildTrace
{
    /// <summary><c>error.type</c> for a child whose timeout passed.</summary>
    public const string Timeout = "timeout";

    /// <summary><c>error.type</c> for a child ended because its caller cancelled, or stopped reading its lines.</summary>
    public const string Cancelled = "cancelled";

    /// <summary><c>error.type</c> for a child ended because it wrote more than its output limit.</summary>
    public const string OutputLimit = "output_limit";

    private Activity? _activity;
    private readonly KeyValuePair<string, object?> _name;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private string? _endingBecause;
    private bool _counted;
    private int _ended;

    private ChildTrace(string name) => _name = new("process.executable.name", name);

    /// <summary>Starts tracing a child about to be spawned, or returns null if nobody listens.</summary>
    /// <param name="command">What the user asked to run.</param>
    /// <param name="path">Where its program was found; null for a command on another host.</param>
    public static ChildTrace? Begin(CommandSpec command, string? path)
    {
        if (!Instruments.Observed)
        {
            return null;
        }
        string name = Path.GetFileName(command.Program);
        var trace = new ChildTrace(name);
        if (Instruments.Source.HasListeners())
        {
            Instruments.Quietly((Trace: trace, Command: command, Path: path), static s => s.Trace.StartActivity(s.Command, s.Path));
        }
        return trace;
    }

    /// <summary>The spawn succeeded: the child counts as started and running.</summary>
    public void Spawned(int pid) => Instruments.Quietly((Trace: this, Pid: pid), static s => s.Trace.CountStarted(s.Pid));

    /// <summary>The program could not be started: the activity ends with the exception's type.</summary>
    public void Failed(Exception failure) => Instruments.Quietly((Trace: this, Failure: failure), static s => s.Trace.EndFailed(s.Failure));

    /// <summary>The library is ending the child (<see cref="Timeout"/>, <see cref="Cancelled"/>): that,
    /// not the signal it dies of, is its outcome. The first reason given stands.</summary>
    public void Ending(string because) => Interlocked.CompareExchange(ref _endingBecause, because, null);

    /// <summary>The child's exit is known; only the first call counts.</summary>
    public void Ended(ExitStatus status) => EndExited(status);

    private void StartActivity(CommandSpec command, string? path)
    {
        string name = (string)_name.Value!;
        var tags = new ActivityTagsCollection
        {
            { "process.executable.name", name },
            { "process.command_args", (string[])[command.Program, .. command.Arguments] },
        };
        if (path is not null)
        {
            tags.Add("process.executable.path", path);
        }
        if (command.Host is { } host)
        {
            // OpenSSH's destination may name a user (user@host) or an alias from ssh_config: the host part only.
            string destination = host.Destination;
            tags.Add("server.address", destination[(destination.LastIndexOf('@') + 1)..]);
        }
        // The child's activity must not become the caller's current one: the caller's next call (or the next
        // stage) is its sibling, not its child. (Set back even when the caller's has stopped: a spec checks.)
        Activity? current = Activity.Current;
        try
        {
            _activity = Instruments.Source.StartActivity(name, ActivityKind.Client, parentContext: default, tags);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private void CountStarted(int pid)
    {
        _activity?.SetTag("process.pid", pid);
        if (Instruments.Started.Enabled)
        {
            Instruments.Started.Add(1, _name);
        }
        _counted = Instruments.StillRunning.Enabled;
        if (_counted)
        {
            Instruments.StillRunning.Add(1, _name);
        }
    }

    private void EndFailed(Exception failure)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0 && _activity is { } activity)
        {
            activity.SetTag("error.type", failure.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity.Stop();
        }
    }

    private void EndExited(ExitStatus status)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }
        string? error = Volatile.Read(ref _endingBecause)
            ?? (status.Signal is int signal ? Signals.Name(signal)
            : status.Code is 0 ? null
            : status.ReturnCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Each listener's step alone: one that throws does not keep the others from their data.
        Instruments.Quietly((Trace: this, Status: status, Error: error), static s => s.Trace.StopActivity(s.Status, s.Error));
        if (_counted)
        {
            Instruments.Quietly(_name, static name => Instruments.StillRunning.Add(-1, name));
        }
        Instruments.Quietly((Trace: this, Error: error), static s => s.Trace.CountEnded(s.Error));
    }

    private void StopActivity(ExitStatus status, string? error)
    {
        if (_activity is { } activity)
        {
            activity.SetTag("process.exit.code", status.ReturnCode);
            if (error is not null)
            {
                activity.SetTag("error.type", error);
                activity.SetStatus(ActivityStatusCode.Error, status.ToString());
            }
            activity.Stop();
        }
    }

    private void CountEnded(string? error)
    {
        var tags = error is null ? new TagList { _name } : new TagList { _name, { "error.type", error } };
        if (Instruments.Ended.Enabled)
        {
            Instruments.Ended.Add(1, tags);
        }
        if (Instruments.Duration.Enabled)
        {
            Instruments.Duration.Record(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, tags);
        }
    }
}

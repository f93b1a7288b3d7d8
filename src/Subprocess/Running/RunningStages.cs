using Subprocess.Pipes;
using Subprocess.Spawning;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

/// <summary>
/// The started stages of a command (one) or a pipeline (several), and everything done to them as a
/// whole, written once: the exchange of pipes, waiting, communicate, ending the tree, disposal. The
/// public <see cref="ChildProcess"/> and <see cref="PipelineProcess"/> are thin handles over one of
/// these; every wait takes the <see cref="Waiter"/> its public method chose.
/// </summary>
internal sealed partial class RunningStages
{
    private readonly Stage[] _stages;
    private readonly ProcessControl[] _controls;
    private Stream? _stdin;
    private int _released;

    public RunningStages(Stage[] stages, RunSettings settings)
    {
        _stages = stages;
        _controls = new ProcessControl[stages.Length];
        var stderrs = new ChildPipe?[stages.Length];
        for (int i = 0; i < stages.Length; i++)
        {
            (_controls[i], stderrs[i]) = (stages[i].Control, stages[i].Stderr);
        }
        Settings = settings;
        Exchange = new Exchange(stages[0].Stdin, stages[^1].Stdout, stderrs);
    }

    public RunSettings Settings { get; }

    /// <summary>Text given as input, in the encoding of the command (or pipeline).</summary>
    public byte[] Encode(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Settings.Encoding.GetBytes(input);
    }

    public string CommandLine => Settings.CommandLine;

    /// <summary>The stages' controls, first to last.</summary>
    public IReadOnlyList<ProcessControl> Controls => _controls;

    /// <summary>The first stage's stdin, the last stage's stdout and every stage's stderr, where piped for the caller.</summary>
    public Exchange Exchange { get; }

    /// <summary>The master of the child's pseudo-terminal, or null if it has none (or a call consumes it).</summary>
    public TerminalStream? Terminal => (TerminalStream?)_stages[0].Terminal?.Stream;

    /// <summary>When the first stage was spawned.</summary>
    public DateTimeOffset StartTime => _stages[0].StartTime;

    /// <summary>When the last exit was observed; valid once <see cref="PollAll"/> is not null.</summary>
    public DateTimeOffset ExitTime
    {
        get
        {
            DateTimeOffset last = _controls[0].Exit.ExitTime;
            foreach (ProcessControl control in _controls)
            {
                last = control.Exit.ExitTime > last ? control.Exit.ExitTime : last;
            }
            return last;
        }
    }

    /// <summary>The first stage's stdin for the caller to write, whose broken pipe names the command.</summary>
    public Stream Stdin
    {
        get
        {
            Stream pipe = Piped(Exchange.Stdin, "stdin", nameof(Command.WithStdin)).Stream;
            // One wrapper for the one pipe stream, made once, however many threads ask at once.
            if (_stdin is null)
            {
                Interlocked.CompareExchange(ref _stdin, new ChildStdin(pipe, Launching.CommandLine.InMessage(CommandLine)), null);
            }
            return _stdin;
        }
    }

    public Stream Stdout => Piped(Exchange.Stdout, "stdout", nameof(Command.WithStdout)).Stream;

    public Stream Stderr => Piped(Exchange.Stderrs[^1], "stderr", nameof(Command.WithStderr)).Stream;

    /// <summary>The command line of stage <paramref name="index"/>.</summary>
    public string StageCommandLine(int index) => _stages[index].Command.CommandLine;

    /// <summary>Stage <paramref name="index"/> alone (<see cref="PipelineProcess.Stages"/>): its own control,
    /// pipes and copies, with its own command's name and settings.</summary>
    public RunningStages Stage(int index) => new([_stages[index]], RunSettings.Of(_stages[index].Command));

    /// <summary>Every stage's status once all have exited, else null. Never blocks; reaps what has just exited.</summary>
    public IReadOnlyList<ExitStatus>? PollAll()
    {
        if (!AllExited())
        {
            return null;
        }
        var statuses = new ExitStatus[_controls.Length];
        for (int i = 0; i < _controls.Length; i++)
        {
            statuses[i] = _controls[i].Exit.Status!.Value;
        }
        return statuses;
    }

    /// <summary>Whether every stage has exited (reaping what has just exited), without allocating.</summary>
    private bool AllExited()
    {
        foreach (ProcessControl control in _controls)
        {
            if (control.Poll() is null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The verdict once every stage has exited (see <see cref="Verdict"/>), else null.</summary>
    public ExitStatus? Poll() => _controls.Length == 1 ? _controls[0].Poll() : PollAll() is { } statuses ? Verdict.Of(statuses) : null;

    /// <summary>
    /// Sends <paramref name="signal"/> to every stage: through the process group they share where there
    /// is one (one signal, which also reaches what they started, even after some have exited), else to
    /// each, with what it started too when <paramref name="tree"/> (the portable spawner's kill of a tree).
    /// Returns whether anything was signalled.
    /// </summary>
    public bool SignalAll(int signal, bool tree)
    {
        if (_controls[0].GroupId == 0)
        {
            return ProcessControl.SignalEach(_controls, signal, tree);
        }
        // A stage on another host is outside the local group: its own control reaches its tree there, first,
        // while its local ssh (in the group, which the group signal ends) still says it runs.
        bool sent = false;
        for (int i = 1; i < _controls.Length; i++)
        {
            sent |= _controls[i] is RemoteControl remote && remote.Signal(signal, group: true);
        }
        sent |= _controls[0].Signal(signal, group: true);
        // A first stage on another host leads the local group as its ssh: the stages after it are in it.
        if (_controls[0] is RemoteControl first && _controls.Length > 1)
        {
            sent |= first.SignalLocalGroup(signal);
        }
        return sent;
    }

    /// <summary>Why a stage's status is not its program's (a lost connection), if one is not; else null.</summary>
    public SubprocessException? Failure
    {
        get
        {
            foreach (ProcessControl control in _controls)
            {
                if (control.Failure is { } failure)
                {
                    return failure;
                }
            }
            return null;
        }
    }

    /// <summary>Throws <see cref="Failure"/>, if any.</summary>
    /// <exception cref="SshConnectionException">A remote stage's connection was lost.</exception>
    public void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Ends the stages (SIGTERM, the grace period, SIGKILL): their tree, or each stage alone,
    /// and then lets the copies into the caller's streams finish (for at most the drain timeout).</summary>
    /// <param name="waiter">How the caller waits.</param>
    /// <param name="tree">End their tree, not only the stages themselves.</param>
    /// <param name="because">Why, for their traces (<see cref="ChildTrace.Timeout"/>, <see cref="ChildTrace.Cancelled"/>);
    /// null: the signal they die of says it.</param>
    public async ValueTask EndAsync(Waiter waiter, bool tree, string? because = null)
    {
        if (because is not null)
        {
            foreach (ProcessControl control in _controls)
            {
                control.Trace?.Ending(because);
            }
        }
        Func<int, bool> signal = tree ? s => SignalAll(s, tree: true) : s => ProcessControl.SignalEach(_controls, s, tree: false);
        await TreeEnding.EndAsync(_controls, signal, Settings.GracePeriod, waiter).ConfigureAwait(false);
        await FinishCopiesAsync(waiter, default).ConfigureAwait(false);
    }

    /// <summary>Ends the stages if they still run (unless detached), then releases their pipes and
    /// process handles. Only the first call does anything.</summary>
    /// <param name="waiter">How the caller waits.</param>
    /// <param name="tree">End their tree, not only the stages themselves.</param>
    public async ValueTask DisposeAsync(Waiter waiter, bool tree)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        if (!Settings.Detached && !AllExited())
        {
            await EndAsync(waiter, tree).ConfigureAwait(false);
        }
        Exchange.Dispose();
        foreach (Stage stage in _stages)
        {
            stage.Terminal?.Dispose();
            stage.Copies?.Close();
            stage.Control.Dispose();
        }
    }

    private static ChildPipe Piped(ChildPipe? pipe, string name, string method) =>
        pipe ?? throw new InvalidOperationException(
            $"The child's {name} was not piped; start the command with {method}(Stdio.Pipe) to use it.");
}

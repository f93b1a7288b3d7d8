using Microsoft.Win32.SafeHandles;
using Subprocess.Launching;
using Subprocess.Native;
using Subprocess.Pipes;
using Subprocess.Spawning;
using Subprocess.Telemetry;
using Subprocess.Waiting;

namespace Subprocess.Running;

/// <summary>
/// The one launch path: every <c>Start</c>, <c>Run</c>, <c>Capture</c> and every job of
/// <see cref="JobRunner"/> comes through here. It plans every stage (so a missing program fails with
/// nothing running), spawns them, joins them (by kernel pipes in one process group with the Linux
/// spawner, stage k's stdout the write end of a <c>pipe2(O_CLOEXEC)</c> whose read end is stage k+1's
/// stdin; relayed through the parent elsewhere), starts the copies into the caller's streams, tracks
/// the children for this process's exit, and hands back the <see cref="RunningStages"/>.
/// </summary>
internal static class Launcher
{
    /// <summary>Starts <paramref name="request"/> for a call that will wait through <paramref name="waiter"/>.</summary>
    /// <exception cref="ProcessStartException">A stage could not be started; none is left running.</exception>
    public static RunningStages Start(StartRequest request, Waiter waiter)
    {
        ISpawner spawner = LaunchScope.Spawner;
        var plans = new LaunchPlan[request.Stages.Count];
        for (int k = 0; k < plans.Length; k++)
        {
            plans[k] = spawner.Plan(request.Stages[k]);
        }
        Spawned[] spawned = spawner.JoinsPipesInKernel(plans)
            ? StartJoined(spawner, plans, request.GetsProcessGroup, callerReaps: waiter.Reaps)
            : StartRelayed(spawner, plans);
        var stages = new Stage[plans.Length];
        for (int k = 0; k < plans.Length; k++)
        {
            stages[k] = WithCopies(plans[k], spawned[k], request.Settings.Encoding);
        }
        return new RunningStages(stages, request.Settings);
    }

    /// <summary>Spawns one stage and, from that moment, tracks it for this process's exit (unless detached).</summary>
    private static Spawned Spawn(ISpawner spawner, LaunchPlan plan)
    {
        // A detached child is meant to outlive this process, so this process's end does not hold it back.
        bool tracked = !plan.Command.Detached;
        if (tracked)
        {
            LiveChildren.AwaitStartsOpen(plan.Command.Program);
        }
        ChildTrace? trace = ChildTrace.Begin(plan.Command, plan.Remote is null ? plan.ExecutablePath : null);
        Spawned spawned;
        try
        {
            spawned = spawner.Start(plan);
        }
        catch (Exception failure) when (trace is not null)
        {
            trace.Failed(failure);
            throw;
        }
        if (plan.Remote is (IRemoteHost host, string connection, string job))
        {
            spawned = spawned with { Control = new RemoteControl(spawned.Control, host, connection, job) };
        }
        if (trace is not null)
        {
            trace.Spawned(spawned.Control.Pid);
            spawned.Control.Trace = trace;
        }
        if (tracked && !LiveChildren.Track(spawned.Control, plan.Command.GracePeriod))
        {
            EndHalfStarted([spawned]);
            throw LiveChildren.Refused(plan.Command.Program);
        }
        LaunchScope.Started(spawned.Control.Pid);
        return spawned;
    }

    private static Spawned[] StartJoined(ISpawner spawner, LaunchPlan[] plans, bool newGroup, bool callerReaps)
    {
        var stages = new Spawned[plans.Length];
        int started = 0;
        // The parent's copies of the pipes between stages (a command alone has none).
        var parentCopies = new SafeFileHandle[2 * (plans.Length - 1)];
        try
        {
            SafeFileHandle? previousRead = null;
            int group = LaunchPlan.ParentGroup;
            for (int k = 0; k < plans.Length; k++)
            {
                LaunchPlan plan = plans[k] with
                {
                    ProcessGroup = newGroup && k == 0 ? LaunchPlan.NewGroup : group,
                    // The leader, were it to exit at once, stays a zombie (LinuxProcessControl keeps a group
                    // member's until released), so the others can still join its group.
                    DeferReaping = callerReaps,
                    StdinFrom = previousRead,
                };
                previousRead = null;
                if (k < plans.Length - 1)
                {
                    (SafeFileHandle read, SafeFileHandle write) = PipeFd.Create();
                    PipeFd.Enlarge(read);
                    (parentCopies[2 * k], parentCopies[2 * k + 1]) = (read, write);
                    plan = plan with { StdoutTo = write };
                    previousRead = read;
                }
                Spawned stage = Spawn(spawner, plan);
                stages[started++] = stage;
                group = newGroup && k == 0 ? stages[0].Control.Pid : group;
            }
        }
        catch
        {
            EndHalfStarted(stages.AsSpan(0, started));
            throw;
        }
        finally
        {
            // Until these close, the last reader never sees EOF and a writer never sees EPIPE.
            foreach (SafeFileHandle? end in parentCopies)
            {
                end?.Dispose();
            }
        }
        return stages;
    }

    private static Spawned[] StartRelayed(ISpawner spawner, LaunchPlan[] plans)
    {
        var stages = new Spawned[plans.Length];
        int started = 0;
        try
        {
            for (int k = 0; k < plans.Length; k++)
            {
                Spawned stage = Spawn(spawner, plans[k] with
                {
                    Stdin = k > 0 ? Stdio.Pipe : plans[k].Stdin,
                    Stdout = k < plans.Length - 1 ? Stdio.Pipe : plans[k].Stdout,
                });
                stages[started++] = stage;
            }
        }
        catch
        {
            EndHalfStarted(stages.AsSpan(0, started));
            throw;
        }
        // The pipes between stages are the relays' alone: the caller sees the first stdin and the last stdout.
        for (int k = 0; k + 1 < stages.Length; k++)
        {
            _ = Relay.Start([stages[k].Stdout!.Stream], stages[k + 1].Stdin!.Stream);
            stages[k] = stages[k] with { Stdout = null };
            stages[k + 1] = stages[k + 1] with { Stdin = null };
        }
        return stages;
    }

    /// <summary>A half-started pipeline is ended whole: nothing it started outlives the exception. Each
    /// stage is killed with what it started (the group the first leads, or the portable spawner's tree),
    /// then left to the event loop to reap.</summary>
    private static void EndHalfStarted(ReadOnlySpan<Spawned> started)
    {
        foreach (Spawned stage in started)
        {
            stage.Control.Signal(Signals.SIGKILL, group: stage.Control.CanSignalTree);
            stage.Control.Dispose();
            stage.ClosePipes();
        }
    }

    /// <summary>The stage as the caller sees it: a pipe whose command named a stream of the caller's
    /// (<see cref="Stdio.Stream"/>) is copied to or from it, and is not the caller's to use; so is a
    /// terminal whose output the call consumes.</summary>
    private static Stage WithCopies(LaunchPlan plan, Spawned spawned, System.Text.Encoding encoding)
    {
        StreamCopies? copies = null;
        ChildPipe? stdin = spawned.Stdin, stdout = spawned.Stdout, stderr = spawned.Stderr, terminal = spawned.Terminal;
        if (plan.Terminal is { Output: { } shown } && terminal is not null)
        {
            (copies ??= new()).CopyOutput(terminal, shown.Sink(encoding, terminal: true));
            stdout = stdout == terminal ? null : stdout;
            stderr = stderr == terminal ? null : stderr;
            terminal = null;
        }
        if (plan.Stdin switch { Stdio.StreamTarget caller => caller.Target, Stdio.BytesSource bytes => bytes.Open(), _ => null } is { } input && stdin is not null)
        {
            (copies ??= new()).CopyInput(input, stdin);
            stdin = null;
        }
        if (plan.Stdout is Stdio.OutputConsumer output && stdout is not null)
        {
            (copies ??= new()).CopyOutput(stdout, output.Sink(encoding));
            stdout = null;
        }
        if (plan.Stderr is Stdio.OutputConsumer error && stderr is not null)
        {
            (copies ??= new()).CopyOutput(stderr, error.Sink(encoding));
            stderr = null;
        }
        copies?.Started();
        return new Stage(plan.Command, spawned.Control, stdin, stdout, stderr, copies, spawned.StartTime) { Terminal = terminal };
    }
}

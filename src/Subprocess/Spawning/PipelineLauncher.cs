using Microsoft.Win32.SafeHandles;
using Subprocess.Launching;
using Subprocess.Native;

namespace Subprocess.Spawning;

/// <summary>
/// Starts a pipeline's stages. With the Linux spawner, stage k's stdout is the write end of a
/// <c>pipe2(O_CLOEXEC)</c> whose read end is stage k+1's stdin, every stage joins the first
/// stage's process group, and the parent closes its copies of the pipe ends as soon as the stages
/// hold them. Elsewhere the stages get ordinary pipes and the parent relays between them.
/// </summary>
internal static class PipelineLauncher
{
    public static PipelineProcess Start(Pipeline pipeline, IReadOnlyList<Command> commands)
    {
        ISpawner spawner = commands[0].Spec.Spawner ?? Spawners.Default;
        // Resolve every program before starting any, so a missing one leaves nothing running.
        LaunchPlan[] plans = [.. commands.Select(command => LaunchPlan.Create(command.Spec))];
        ChildProcess[] stages = spawner.JoinsPipesInKernel ? StartJoined(spawner, plans) : StartRelayed(spawner, plans);
        return new PipelineProcess(pipeline.ToString(), stages, pipeline.GracePeriod, pipeline.DrainTimeout, pipeline.MaxOutput);
    }

    private static ChildProcess[] StartJoined(ISpawner spawner, LaunchPlan[] plans)
    {
        var stages = new List<ChildProcess>(plans.Length);
        var parentCopies = new List<SafeFileHandle>(2 * plans.Length);
        try
        {
            SafeFileHandle? previousRead = null;
            int group = 0;
            for (int k = 0; k < plans.Length; k++)
            {
                CommandSpec spec = plans[k].Spec with
                {
                    NewProcessGroup = k == 0,
                    JoinProcessGroup = group,
                    // The leader stays unreaped (a zombie at worst) until the others have joined its group.
                    DeferReaping = k == 0 && plans.Length > 1,
                };
                if (previousRead is not null)
                {
                    spec = spec with { Stdin = new Stdio.DescriptorSource(previousRead) };
                }
                previousRead = null;
                if (k < plans.Length - 1)
                {
                    (SafeFileHandle read, SafeFileHandle write) = PipeFd.Create();
                    PipeFd.Enlarge(read);
                    parentCopies.Add(read);
                    parentCopies.Add(write);
                    spec = spec with { Stdout = new Stdio.DescriptorSource(write) };
                    previousRead = read;
                }
                ChildProcess stage = spawner.Start(plans[k].With(spec));
                stages.Add(stage);
                group = k == 0 ? stage.Pid : group;
            }
        }
        catch
        {
            // A half-started pipeline is ended whole: nothing it started outlives the exception.
            if (stages.Count > 0)
            {
                stages[0].Control.Signal(Libc.SIGKILL, group: true);
                stages[0].Control.StartReaping();
                foreach (ChildProcess stage in stages)
                {
                    stage.Dispose();
                }
            }
            throw;
        }
        finally
        {
            // Until these close, the last reader never sees EOF and a writer never sees EPIPE.
            foreach (SafeFileHandle end in parentCopies)
            {
                end.Dispose();
            }
        }
        stages[0].Control.StartReaping();
        return [.. stages];
    }

    private static ChildProcess[] StartRelayed(ISpawner spawner, LaunchPlan[] plans)
    {
        var stages = new List<ChildProcess>(plans.Length);
        try
        {
            for (int k = 0; k < plans.Length; k++)
            {
                CommandSpec spec = plans[k].Spec;
                spec = spec with
                {
                    Stdin = k > 0 ? Stdio.Pipe : spec.Stdin,
                    Stdout = k < plans.Length - 1 ? Stdio.Pipe : spec.Stdout,
                };
                stages.Add(spawner.Start(plans[k].With(spec)));
            }
        }
        catch
        {
            foreach (ChildProcess stage in stages)
            {
                stage.Dispose();
            }
            throw;
        }
        for (int k = 0; k + 1 < stages.Count; k++)
        {
            _ = Relay.Start([stages[k].Stdout], stages[k + 1].Stdin);
        }
        return [.. stages];
    }
}

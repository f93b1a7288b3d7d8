using System.Text;
using Microsoft.Win32.SafeHandles;
using Subprocess.Launching;
using Subprocess.Native;
using Subprocess.Pipes;

namespace Subprocess.Spawning;

/// <summary>
/// Spawns with <c>posix_spawn</c> (glibc's <c>clone(CLONE_VM|CLONE_VFORK)</c>: no managed code runs
/// in the child), then holds the child by a pidfd that the shared event loop (or a blocking
/// caller) reaps. Its pipes are <see cref="DescriptorPipe"/>s.
/// </summary>
internal sealed class LinuxSpawner : ISpawner
{
    public static LinuxSpawner Instance { get; } = new();

    private LinuxSpawner()
    {
    }

    public bool JoinsPipesInKernel(IReadOnlyList<LaunchPlan> plans) => true;

    public Spawned Start(LaunchPlan plan)
    {
        CommandSpec spec = plan.Executed;
        // Parent-side descriptors the child gets as 0, 1, 2; closed here right after the spawn, or
        // the child's stdin never sees EOF and our reads never see it either.
        var childEnds = new List<SafeFileHandle>(3);
        ChildPipe? stdin = null, stdout = null, stderr = null;
        DescriptorPipe? terminal = null;
        try
        {
            byte[]? slavePath = null;
            int slave = PosixSpawn.Inherit;
            if (plan.Terminal is { } size)
            {
                (SafeFileHandle master, slavePath) = Pty.Open(size.Columns, size.Rows);
                terminal = new DescriptorPipe("terminal", master, FileAccess.ReadWrite, terminal: true);
                SafeFileHandle slaveEnd = Pty.OpenSlave(slavePath);
                childEnds.Add(slaveEnd);
                slave = (int)slaveEnd.DangerousGetHandle();
            }
            Span<int> childFds = [PosixSpawn.Inherit, PosixSpawn.Inherit, PosixSpawn.Inherit];
            // A pipeline's kernel pipe ends are the launcher's: it closes them once every stage holds its own.
            childFds[0] = plan.StdinFrom is { } from ? (int)from.DangerousGetHandle() : Wire(plan.Stdin, 0, childEnds, ref stdin, slave);
            childFds[1] = plan.StdoutTo is { } to ? (int)to.DangerousGetHandle() : Wire(plan.Stdout, 1, childEnds, ref stdout, slave);
            childFds[2] = plan.Stderr.Kind == StdioKind.ToStdout ? 1 : Wire(plan.Stderr, 2, childEnds, ref stderr, slave);
            // What the terminal shows is read as the output it stands for (stdout, or stderr alone).
            if (plan.Stdout.Kind == StdioKind.Terminal && plan.StdoutTo is null)
            {
                stdout = terminal;
            }
            else if (plan.Stderr.Kind == StdioKind.Terminal)
            {
                stderr = terminal;
            }

            using var argv = new ArgvBlock(spec.Program, spec.Arguments, spec.RawArguments);
            byte[]? cwd = spec.WorkingDirectory is string dir ? NulTerminated(dir) : null;

            // A child with a terminal leads a session of its own, and so a process group of its own.
            int processGroup = plan.ProcessGroup == LaunchPlan.ParentGroup || slavePath is not null ? PosixSpawn.NoGroup : plan.ProcessGroup;
            byte[] path = NulTerminated(plan.ExecutablePath);
            byte[][] envp = plan.Environment.Envp;
            int[] fds = childFds.ToArray();
            DateTimeOffset startTime = DateTimeOffset.UtcNow;
            // pidfd_open works on a zombie too, and normally nobody but us reaps this child, so the
            // pidfd is sure to be this child's; AutoReap covers the processes where the kernel reaps.
            (int pid, SafePidfdHandle? pidfd, int openErrno) = AutoReap.Suspended(() =>
            {
                int pid = PosixSpawn.Spawn(path, argv, envp, cwd, fds, processGroup, slavePath);
                if (pid < 0)
                {
                    return (pid, null, 0);
                }
                SafePidfdHandle? pidfd = Pidfd.TryOpen(pid, out int errno);
                if (pidfd is null)
                {
                    // A child we cannot hold would run on untracked (a zombie for our whole life,
                    // an orphan after it): a start that cannot be completed ends what it started.
                    Pidfd.KillAndReap(pid);
                }
                return (pid, pidfd, errno);
            });
            if (pid < 0)
            {
                throw new ProcessStartException(spec.Program, spec.WorkingDirectory, -pid, StartFailure.Describe(plan.ExecutablePath, -pid));
            }
            if (pidfd is null)
            {
                throw new ProcessStartException(spec.Program, spec.WorkingDirectory, openErrno,
                    $"{plan.ExecutablePath} started but could not be held (pidfd_open: {Errno.Describe(openErrno)}), " +
                    "so it was ended; with too many files open, close some or raise the limit (ulimit -n)");
            }

            int group = processGroup == 0 || slavePath is not null ? pid : Math.Max(processGroup, 0);
            var control = new LinuxProcessControl(pid, pidfd, group, plan.DeferReaping) { HasTerminal = slavePath is not null };
            return new Spawned(control, stdin, stdout, stderr, startTime) { Terminal = terminal };
        }
        catch
        {
            stdin?.Dispose();
            stdout?.Dispose();
            stderr?.Dispose();
            terminal?.Dispose();
            throw;
        }
        finally
        {
            foreach (SafeFileHandle end in childEnds)
            {
                end.Dispose();
            }
        }
    }

    /// <summary>The descriptor the child gets as <paramref name="target"/>; any parent-side pipe end goes to
    /// <paramref name="pipe"/>. <paramref name="terminal"/> is the terminal's slave, if the child has one.</summary>
    private static int Wire(Stdio stdio, int target, List<SafeFileHandle> childEnds, ref ChildPipe? pipe, int terminal)
    {
        bool input = target == 0;
        SafeFileHandle childEnd;
        switch (stdio.Kind)
        {
            case StdioKind.Inherit:
                return PosixSpawn.Inherit;
            case StdioKind.Terminal:
                return terminal;
            case StdioKind.Null:
                childEnd = File.OpenHandle("/dev/null", FileMode.Open, input ? FileAccess.Read : FileAccess.Write);
                break;
            case StdioKind.File:
                childEnd = FileTargets.Open((Stdio.FileTarget)stdio, input);
                break;
            case StdioKind.Pipe or StdioKind.Stream:
                // Not enlarged here: most children write little; the pump enlarges a pipe that turns out busy.
                (SafeFileHandle read, SafeFileHandle write) = PipeFd.Create();
                (childEnd, SafeFileHandle parentEnd) = input ? (read, write) : (write, read);
                pipe = new DescriptorPipe(Names[target], parentEnd, input ? FileAccess.Write : FileAccess.Read);
                break;
            default:
                throw new ArgumentException($"{stdio} cannot be used for {Names[target]}.");
        }
        childEnds.Add(childEnd);
        return (int)childEnd.DangerousGetHandle();
    }

    private static readonly string[] Names = ["stdin", "stdout", "stderr"];

    private static byte[] NulTerminated(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}

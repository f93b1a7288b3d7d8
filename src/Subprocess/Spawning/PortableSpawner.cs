using System.Diagnostics;
using System.Text;
using Subprocess.Launching;
using Subprocess.Pipes;

namespace Subprocess.Spawning;

/// <summary>
/// Starts children with <see cref="Process"/>: used off Linux, or on Linux when
/// <c>SUBPROCESS_SPAWNER=portable</c>. What it cannot do natively it does by copying through the
/// parent: <see cref="Stdio.File"/> and <see cref="Stdio.ToStdout"/> are relayed by tasks, and
/// process groups are not created (a timeout kills the tree with <c>Process.Kill(true)</c>).
/// Environment values must be valid UTF-8.
/// </summary>
internal sealed class PortableSpawner : ISpawner
{
    public static PortableSpawner Instance { get; } = new();

    private PortableSpawner()
    {
    }

    public bool JoinsPipesInKernel(IReadOnlyList<LaunchPlan> plans) => false;

    public Spawned Start(LaunchPlan plan)
    {
        CommandSpec spec = plan.Executed;
        if (plan.Terminal is not null)
        {
            throw new PlatformNotSupportedException(
                $"{Launching.CommandLine.InMessage(spec.CommandLine)} asks for a terminal (WithTerminal), which only the Linux spawner can give; the portable spawner " +
                "(System.Diagnostics.Process) has no pseudo-terminals. Leave SUBPROCESS_SPAWNER unset on Linux.");
        }
        (Stdio stdinTo, Stdio stdoutTo, Stdio stderrTo) = (plan.Stdin, plan.Stdout, plan.Stderr);
        bool merge = stderrTo.Kind == StdioKind.ToStdout;
        var info = new ProcessStartInfo(plan.ExecutablePath)
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? "",
            RedirectStandardInput = stdinTo.Kind != StdioKind.Inherit,
            RedirectStandardOutput = stdoutTo.Kind != StdioKind.Inherit || merge,
            RedirectStandardError = stderrTo.Kind != StdioKind.Inherit,
        };
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int index = 0; index < spec.Arguments.Length; index++)
        {
            try
            {
                info.ArgumentList.Add(strict.GetString(spec.ArgumentBytes(index)));
            }
            catch (DecoderFallbackException e)
            {
                throw new ProcessStartException(spec.Program, spec.WorkingDirectory, 0,
                    $"argument {index + 1} is not valid UTF-8, which the portable spawner cannot pass on; use the Linux spawner", e);
            }
        }
        info.Environment.Clear();
        foreach ((string name, byte[] value) in plan.Environment.Variables)
        {
            try
            {
                info.Environment[name] = strict.GetString(value);
            }
            catch (DecoderFallbackException e)
            {
                throw new ProcessStartException(spec.Program, spec.WorkingDirectory, 0,
                    $"environment variable {name} is not valid UTF-8, which the portable spawner cannot pass on; use the Linux spawner", e);
            }
        }

        // Open files before starting, so a bad path fails with nothing running.
        Stream? stdinFile = stdinTo is Stdio.FileTarget i ? FileTargets.OpenStream(i, input: true) : null;
        Stream? stdoutFile = stdoutTo is Stdio.FileTarget o ? FileTargets.OpenStream(o, input: false) : null;
        Stream? stderrFile = stderrTo is Stdio.FileTarget e2 ? FileTargets.OpenStream(e2, input: false) : null;

        DateTimeOffset startTime = DateTimeOffset.UtcNow;
        Process process;
        try
        {
#pragma warning disable RS0030 // The portable spawner is the one place Process.Start belongs.
            process = Process.Start(info)!;
#pragma warning restore RS0030
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            stdinFile?.Dispose();
            stdoutFile?.Dispose();
            stderrFile?.Dispose();
            throw new ProcessStartException(spec.Program, spec.WorkingDirectory, e.NativeErrorCode,
                OperatingSystem.IsWindows() ? e.Message : StartFailure.Describe(plan.ExecutablePath, e.NativeErrorCode), e);
        }

        var control = new PortableProcessControl(process);
        var relays = new List<Task>();
        ChildPipe? stdin = null, stdout, stderr = null;
        switch (stdinTo.Kind)
        {
            case StdioKind.Pipe or StdioKind.Stream:
                stdin = new StreamPipe("stdin", control.Guard(process.StandardInput.BaseStream));
                break;
            case StdioKind.Null:
                process.StandardInput.Close();
                break;
            case StdioKind.File:
                relays.Add(Relay.Start([stdinFile!], control.Guard(process.StandardInput.BaseStream)));
                break;
        }

        var outputs = new List<Stream>(2);
        if (info.RedirectStandardOutput)
        {
            outputs.Add(control.Guard(process.StandardOutput.BaseStream));
        }
        if (merge)
        {
            outputs.Add(control.Guard(process.StandardError.BaseStream));
        }
        stdout = Route(stdoutTo, "stdout", outputs, stdoutFile, relays);
        if (!merge && info.RedirectStandardError)
        {
            stderr = Route(stderrTo, "stderr", [control.Guard(process.StandardError.BaseStream)], stderrFile, relays);
        }
        control.Watch(relays);
        return new Spawned(control, stdin, stdout, stderr, startTime);
    }

    /// <summary>Sends the child's output <paramref name="sources"/> where <paramref name="target"/> says; returns the pipe the caller reads, if any.</summary>
    private static StreamPipe? Route(Stdio target, string name, List<Stream> sources, Stream? file, List<Task> relays)
    {
        if (sources.Count == 0)
        {
            return null;
        }
        switch (target.Kind)
        {
            case StdioKind.Pipe or StdioKind.Stream when sources.Count == 1:
                return new StreamPipe(name, sources[0]);
            case StdioKind.Pipe or StdioKind.Stream:
                (StreamPipe merged, Stream writer) = StreamPipe.InProcess(name, System.IO.Pipes.PipeDirection.In);
                // Not awaited for exit: the caller reads the merged pipe, and waiting for it here would
                // make exit wait for the caller.
                _ = Relay.Start(sources, writer);
                return merged;
            case StdioKind.File:
                relays.Add(Relay.Start(sources, file!));
                return null;
            case StdioKind.Null:
                relays.Add(Relay.Start(sources, Stream.Null));
                return null;
            default:
                relays.Add(Relay.Start(sources, StandardOutput()));
                return null;
        }
    }

#pragma warning disable RS0030 // Inheriting stdout while merging stderr into it means writing to the parent's stdout.
    private static Stream StandardOutput() => Console.OpenStandardOutput();
#pragma warning restore RS0030
}

using System.IO.Pipes;
using Subprocess.Launching;
using Subprocess.Native;
using Subprocess.Pipes;
using Subprocess.Spawning;

namespace Subprocess.Testing;

/// <summary>
/// A child that is not a process: a task that plays a <see cref="FakeScript"/> through real pipes, as the
/// portable spawner's children are held (<see cref="StreamPipe"/>s, no exit descriptor). It writes its output
/// at once, reads its stdin to the end (recording it), and exits when both are done and its delay has passed;
/// a signal that would end a process ends it at once with that signal as its status, its pipes closed as a
/// dying process's are. Its PID is out of any kernel's range, and nothing here makes a system call with it.
/// </summary>
internal sealed class FakeChild : ProcessControl
{
    /// <summary>Above every PID a kernel gives out (Linux's limit is 2^22, macOS's 99,999), so a fake is never
    /// taken for a real process, in a message or by anything that looks in /proc.</summary>
    private const int FirstPid = 1_000_000_000;

    private static int _lastPid = FirstPid - 1;

    private readonly FakeCall _call;
    private readonly CancellationTokenSource _ended = new();
    private readonly List<Stream> _ends = [];

    private FakeChild(FakeCall call) : base(Interlocked.Increment(ref _lastPid), groupId: 0) => _call = call;

    /// <summary>Its tree is itself: a group signal (a timeout's) reaches it.</summary>
    public override bool CanSignalTree => true;

    /// <summary>Starts a fake for <paramref name="plan"/>, its streams wired as the plan says: a pipe where the
    /// parent holds an end, the file itself for a file, nothing for null or inherited (see <see cref="FakeProcesses"/>).</summary>
    /// <exception cref="NotSupportedException">The command asks for a terminal, which a fake cannot give.</exception>
    public static Spawned Start(LaunchPlan plan, FakeScript script, FakeCall call)
    {
        if (plan.Terminal is not null)
        {
            throw new NotSupportedException(
                $"{CommandLine.InMessage(plan.CommandLine)} asks for a terminal (WithTerminal), which a fake cannot give: fake its output with Stdio.Pipe instead.");
        }
        var child = new FakeChild(call);
        DateTimeOffset startTime = DateTimeOffset.UtcNow;
        try
        {
            (ChildPipe? stdin, Stream? input) = plan.Stdin switch
            {
                Stdio.FileTarget file => ((ChildPipe?)null, child.Own(FileTargets.OpenStream(file, input: true))),
                { Kind: StdioKind.Pipe or StdioKind.Stream } => child.Pipe("stdin", parentEnd: PipeDirection.Out),
                _ => (null, null),
            };
            (ChildPipe? stdout, Stream output) = child.Output(plan.Stdout, "stdout");
            (ChildPipe? stderr, Stream error) = plan.Stderr.Kind == StdioKind.ToStdout ? (null, output) : child.Output(plan.Stderr, "stderr");
            _ = child.RunAsync(script, input, output, error, plan.Command.Encoding);
            return new Spawned(child, stdin, stdout, stderr, startTime);
        }
        catch
        {
            child.End(ExitStatus.Killed(Signals.SIGKILL));
            throw;
        }
    }

    public override ExitStatus? Poll() => Exit.Status;

    /// <summary>Ends the fake as the signal's default action would: SIGCHLD, SIGCONT, SIGURG and SIGWINCH are
    /// ignored, and the stop signals too (a fake is never stopped); every other ends it.</summary>
    public override bool Signal(int signal, bool group)
    {
        if (Exit.Status is not null)
        {
            return false;
        }
        if (signal is not (Signals.SIGCHLD or Signals.SIGCONT or Signals.SIGURG or Signals.SIGWINCH or Signals.SIGSTOP or Signals.SIGTSTP or Signals.SIGTTIN or Signals.SIGTTOU))
        {
            End(ExitStatus.Killed(signal));
        }
        return true;
    }

    /// <summary>Nothing to release that its exit does not: a fake still running (a detached one) plays on.</summary>
    public override void Dispose()
    {
    }

    private async Task RunAsync(FakeScript script, Stream? input, Stream output, Stream error, System.Text.Encoding encoding)
    {
        CancellationToken ended = _ended.Token;
        ExitStatus status = script.Status;
        try
        {
            Task reading = input is null ? Task.CompletedTask : RecordAsync(input, ended);
            Task waiting = Task.Delay(script.Hangs ? Timeout.InfiniteTimeSpan : script.Delay, ended);
            await output.WriteAsync(script.Stdout.Encode(encoding), ended).ConfigureAwait(false);
            await error.WriteAsync(script.Stderr.Encode(encoding), ended).ConfigureAwait(false);
            await Task.WhenAll(reading, waiting).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            return; // ended by a signal, which set the status
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Its reader closed the pipe: a process writing there would die of SIGPIPE.
            status = ExitStatus.Killed(Signals.SIGPIPE);
        }
#pragma warning disable CA1031 // nobody awaits this task: a fault left here would leave the fake running forever
        catch (Exception)
        {
            // Anything else (an encoding that cannot write the output) ends the fake as a crash ends a
            // program, which the caller then sees in its status. (A file target that refuses the output
            // throws IOException, taken above as a broken pipe.)
            status = ExitStatus.Killed(Signals.SIGABRT);
        }
#pragma warning restore CA1031
        End(status);
    }

    private async Task RecordAsync(Stream input, CancellationToken ended)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ended).ConfigureAwait(false)) > 0)
            {
                _call.Read(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The writer is gone, or the fake was ended: there is no more to read.
        }
    }

    /// <summary>Closes its ends of the pipes (the parent sees end of file, or a broken pipe), then exits: once.</summary>
    private void End(ExitStatus status)
    {
        lock (_ends)
        {
            if (Exit.Status is not null)
            {
                return;
            }
            _ended.Cancel();
            foreach (Stream end in _ends)
            {
                try
                {
                    end.Dispose();
                }
                catch (IOException)
                {
                    // A flush into a pipe whose reader is gone.
                }
            }
            _call.Ended(status);
            Completed(status);
        }
    }

    /// <summary>Where an output goes: a pipe for the parent to read, a file, or nowhere.</summary>
    private (ChildPipe? Pipe, Stream Stream) Output(Stdio target, string name) => target switch
    {
        Stdio.FileTarget file => (null, Own(FileTargets.OpenStream(file, input: false))),
        { Kind: StdioKind.Pipe or StdioKind.Stream } => Pipe(name, parentEnd: PipeDirection.In),
        _ => (null, Stream.Null),
    };

    /// <summary>A pipe: the parent's end (reading or writing, as <paramref name="parentEnd"/> says) as a
    /// <see cref="StreamPipe"/>, and the fake's end.</summary>
    private (ChildPipe? Pipe, Stream Stream) Pipe(string name, PipeDirection parentEnd)
    {
        (StreamPipe parent, Stream own) = StreamPipe.InProcess(name, parentEnd);
        return (parent, Own(GuardedPipeStream.Over(own)));
    }

    private Stream Own(Stream end)
    {
        lock (_ends)
        {
            _ends.Add(end);
        }
        return end;
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Subprocess.Waiting;

namespace Subprocess.Running;

/// <summary>
/// <c>ReadLinesAsync</c> of a command or a pipeline: the last stage's stdout and every stage's stderr
/// (where not sent elsewhere) become <see cref="Stdio.Lines"/> targets feeding one channel, read in the
/// order the lines arrive. The end is <c>Run</c>'s: the exits and the drained pipes, then the timeout
/// and the check. Leaving the loop early, by break, exception or cancellation, ends the tree.
/// </summary>
internal static class LineReading
{
    /// <summary>How much of stderr a failure keeps for its exception, at most: the tail.</summary>
    private const int StderrKept = 64 * 1024;

    public static async IAsyncEnumerable<OutputLine> ReadAsync(StartRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The lines wait for the reader here: the pumps that produce them must never wait (on Linux
        // one thread pumps every child), so a reader slower than the child lets them pile up.
        var lines = Channel.CreateUnbounded<OutputLine>(new UnboundedChannelOptions { SingleReader = true });
        var stderr = new StderrTail();
        StartRequest lined = WithLineTargets(request, lines.Writer, stderr);
        RunningStages run = Launcher.Start(lined, Waiter.Awaiting);
        try
        {
            _ = EndAsync(run, lines.Writer, stderr, cancellationToken);
            await foreach (OutputLine line in lines.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return line;
            }
        }
        finally
        {
            await run.DisposeAsync(Waiter.Awaiting, tree: true).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the exits and the last lines, then closes the channel: plainly, or with the
    /// timeout's or the check's exception, which the reader gets after the last line.</summary>
    private static async Task EndAsync(RunningStages run, ChannelWriter<OutputLine> lines, StderrTail stderr, CancellationToken cancellationToken)
    {
        try
        {
            if (!await run.WaitAllAsync(Waiter.Awaiting, run.Settings.Timeout, cancellationToken).ConfigureAwait(false))
            {
                await run.EndAsync(Waiter.Awaiting, tree: true).ConfigureAwait(false);
                throw new ProcessTimeoutException(run.CommandLine, run.Settings.Timeout!.Value, [], stderr.Bytes(), run.Poll());
            }
            IReadOnlyList<ExitStatus> statuses = run.PollAll()!;
            int failing = Verdict.FailingStage(statuses);
            if (run.Settings.Check && failing >= 0)
            {
                string? stage = statuses.Count > 1 ? $"stage {failing + 1} of {statuses.Count} ('{run.StageCommandLine(failing)}')" : null;
                throw new ProcessFailedException(run.CommandLine, statuses[failing], [], stderr.Bytes(), stage);
            }
            lines.TryComplete();
        }
        catch (Exception e)
        {
            lines.TryComplete(e);
        }
    }

    /// <summary>The request with its outputs, where left inherited or piped, turned into line targets.</summary>
    private static StartRequest WithLineTargets(StartRequest request, ChannelWriter<OutputLine> lines, StderrTail stderr)
    {
        Stdio stdoutLines = Stdio.Lines(text => lines.TryWrite(new OutputLine(text, OutputStream.Stdout)));
        Stdio stderrLines = Stdio.Lines(text =>
        {
            stderr.Add(text);
            lines.TryWrite(new OutputLine(text, OutputStream.Stderr));
        });
        var stages = new CommandSpec[request.Stages.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            CommandSpec stage = request.Stages[i];
            stages[i] = stage with
            {
                Stdout = i == stages.Length - 1 && stage.Stdout.Kind is StdioKind.Inherit or StdioKind.Pipe ? stdoutLines : stage.Stdout,
                Stderr = stage.Stderr.Kind is StdioKind.Inherit or StdioKind.Pipe ? stderrLines : stage.Stderr,
            };
        }
        // Leaving the loop early ends the tree, which takes a group (unless a stage reads our terminal).
        return request with { Stages = stages, Group = request.Group == GroupNeed.None ? GroupNeed.ToEndTheTree : request.Group };
    }

    /// <summary>The last lines of stderr, for the exception of a failure or a timeout.</summary>
    private sealed class StderrTail
    {
        private readonly Queue<string> _lines = new();
        private int _length;

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                _length += line.Length + 1;
                while (_length > StderrKept && _lines.Count > 1)
                {
                    _length -= _lines.Dequeue().Length + 1;
                }
            }
        }

        public byte[] Bytes()
        {
            lock (_lines)
            {
                return Encoding.UTF8.GetBytes(string.Concat(_lines.Select(line => line + "\n")));
            }
        }
    }
}

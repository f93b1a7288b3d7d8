using Subprocess.Waiting;

namespace Subprocess.Pipes;

/// <summary>
/// The pipes a running child or pipeline talks through (stdin of the first stage, stdout of the
/// last, stderr of each stage) and the one <see cref="Communication"/> over them, started on the
/// first <c>Communicate</c> and resumed by later ones.
/// </summary>
internal sealed class Exchange(ChildPipe? stdin, ChildPipe? stdout, IReadOnlyList<ChildPipe?> stderrs)
{
    private readonly Lock _gate = new();
    private Communication? _communication;
    private bool _readAsLines;

    /// <summary>Gives the piped stdout and stderr (of the last stage) to one line reader, once, and to
    /// nothing else: not after a communication has started, and none starts after.</summary>
    /// <exception cref="InvalidOperationException">They were given already, or neither is piped.</exception>
    public (ChildPipe? Stdout, ChildPipe? Stderr) TakeForLines()
    {
        lock (_gate)
        {
            ChildPipe? errors = stderrs.Count > 0 ? stderrs[^1] : null;
            if (_communication is not null || _readAsLines)
            {
                throw new InvalidOperationException("The child's output is already being read (by Communicate or an earlier ReadLinesAsync).");
            }
            if (stdout is null && errors is null)
            {
                throw new InvalidOperationException(
                    "Neither the child's stdout nor its stderr was piped; start the command with WithStdout(Stdio.Pipe) or WithStderr(Stdio.Pipe).");
            }
            _readAsLines = true;
            return (stdout, errors);
        }
    }

    public ChildPipe? Stdin => stdin;

    public ChildPipe? Stdout => stdout;

    public IReadOnlyList<ChildPipe?> Stderrs => stderrs;

    /// <summary>What has been collected so far, or null if no communication has started.</summary>
    public Communication? Current
    {
        get
        {
            lock (_gate)
            {
                return _communication;
            }
        }
    }

    /// <summary>Starts the communication, its pumps waiting on <paramref name="loop"/> (null: the shared
    /// event loop); or returns the one already started, wherever its pumps are.</summary>
    /// <exception cref="InvalidOperationException">The output is being read as lines.</exception>
    public Communication Start(ReadOnlyMemory<byte> input, long limit, string? spool = null, IReadyLoop? loop = null)
    {
        lock (_gate)
        {
            if (_communication is not null)
            {
                return _communication;
            }
            if (_readAsLines)
            {
                throw new InvalidOperationException("The child's output is being read as lines (ReadLinesAsync): there is nothing left to communicate.");
            }
            if (!input.IsEmpty && stdin is null)
            {
                throw new InvalidOperationException(
                    "Input was given but the child's stdin was not piped; start the command with WithStdin(Stdio.Pipe).");
            }
            var communication = new Communication(stderrs.Count, limit, spool, loop);
            // A stream the caller has already closed (say, stdin after writing it) is skipped, as in Python.
            if (stdin is { IsClosed: false })
            {
                stdin.PumpFrom(input, communication);
            }
            else if (!input.IsEmpty)
            {
                throw new InvalidOperationException("Input was given but the child's stdin has already been closed.");
            }
            if (stdout is { IsClosed: false })
            {
                stdout.PumpInto(communication.Stdout, communication);
            }
            for (int i = 0; i < stderrs.Count; i++)
            {
                if (stderrs[i] is { IsClosed: false } stderr)
                {
                    stderr.PumpInto(communication.Stderr[i], communication);
                }
            }
            communication.Started();
            return _communication = communication;
        }
    }

    /// <summary>Gives up on the pumps still running: see <see cref="Communication.Abandon"/>.</summary>
    public void Abandon(Communication communication)
    {
        communication.Abandon();
        Dispose();
    }

    public void Dispose()
    {
        stdin?.Dispose();
        stdout?.Dispose();
        foreach (ChildPipe? stderr in stderrs)
        {
            stderr?.Dispose();
        }
    }
}

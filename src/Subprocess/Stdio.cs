namespace Subprocess;

/// <summary>
/// Where one standard stream of a child goes: the parent's own stream, <c>/dev/null</c>, a pipe the
/// parent reads or writes, a file, or (for stderr) wherever stdout goes.
/// </summary>
/// <example><code>
/// Command.Create("make").WithStdout(Stdio.File("build.log")).WithStderr(Stdio.ToStdout).Run();
/// </code></example>
public abstract class Stdio
{
    private protected Stdio()
    {
    }

    /// <summary>The parent's own stream (Python's <c>None</c>). The default for <c>Start</c> and <c>Run</c>.</summary>
    public static Stdio Inherit { get; } = new Simple(StdioKind.Inherit, "Inherit");

    /// <summary><c>/dev/null</c> (Python's <c>DEVNULL</c>): reads see end of file, writes are discarded.</summary>
    public static Stdio Null { get; } = new Simple(StdioKind.Null, "Null");

    /// <summary>A pipe to the parent (Python's <c>PIPE</c>), exposed as
    /// <see cref="ChildProcess.Stdin"/>, <see cref="ChildProcess.Stdout"/> or <see cref="ChildProcess.Stderr"/>.</summary>
    public static Stdio Pipe { get; } = new Simple(StdioKind.Pipe, "Pipe");

    /// <summary>For stderr only: the same pipe or file as stdout (<c>2&gt;&amp;1</c>, Python's
    /// <c>STDOUT</c>), joined in the kernel so the two keep their relative order.</summary>
    public static Stdio ToStdout { get; } = new Simple(StdioKind.ToStdout, "ToStdout");

    /// <summary>A file, opened by the parent at start so a bad path fails there with the path in the
    /// message. For stdin the file is read; for stdout and stderr it is created or truncated, or with
    /// <paramref name="append"/> appended to.</summary>
    /// <param name="path">The file's path, relative to the parent's current directory.</param>
    /// <param name="append">Append to the file instead of truncating it (output streams only).</param>
    public static Stdio File(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException("A path cannot contain a NUL character.", nameof(path))
            : new FileTarget(Path.GetFullPath(path), append);
    }

    /// <summary>
    /// A stream of the caller's: the child's output is copied into it as it comes (nothing is held
    /// in memory), or its input is copied from it and then closed. The copy goes through the parent;
    /// the caller's stream is not closed. A wait on the child ends when the copy is done too.
    /// </summary>
    /// <example><code>
    /// await using var log = File.Create("build.log");
    /// await Command.Create("make").WithStdout(Stdio.Stream(log)).WithStderr(Stdio.ToStdout).RunAsync();
    /// </code></example>
    public static Stdio Stream(System.IO.Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StreamTarget(stream);
    }

    /// <summary>
    /// For stdin only: these bytes, fed to the child through a pipe and then closed (Python's
    /// <c>input=</c>, for a command started rather than captured). Each start reads them from the
    /// beginning, so a job that <see cref="JobRunner"/> retries reads them all again. The bytes are
    /// not copied: leave them unchanged until the child is done.
    /// </summary>
    /// <example><code>
    /// Command.Create("sort").WithStdin(Stdio.Bytes("b\na\n"u8.ToArray())).Run();
    /// </code></example>
    public static Stdio Bytes(ReadOnlyMemory<byte> data) => new BytesSource(data);

    /// <summary>
    /// A callback handed each whole line of the child's output (UTF-8 or the command's encoding, without its <c>\n</c>) as it
    /// arrives, and a last line without one at the end: log streaming under <c>Run</c>. The callback
    /// runs on the thread that reads the pipe (on Linux the one event-loop thread every child shares),
    /// so it must be quick and must not block. A wait on the child ends when the last line is handed over.
    /// Output only.
    /// </summary>
    /// <example><code>
    /// Command.Create("make").WithStdout(Stdio.Lines(line => logger.LogInformation("{Line}", line))).Run();
    /// </code></example>
    public static Stdio Lines(Action<string> onLine)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        return new LinesTarget(onLine);
    }

    internal abstract StdioKind Kind { get; }

    /// <summary>An output the parent pumps into a consumer of its own (<see cref="StdioKind.Stream"/>).</summary>
    internal abstract class OutputConsumer : Stdio
    {
        internal override StdioKind Kind => StdioKind.Stream;

        /// <summary>A fresh sink for one pump of the child's output (from its <paramref name="terminal"/>, or a
        /// pipe), decoding text as <paramref name="encoding"/> says.</summary>
        public abstract Pipes.IByteSink Sink(System.Text.Encoding encoding, bool terminal = false);
    }

    /// <param name="onLine">Takes each line.</param>
    /// <param name="onRead">Follows the lines of each read (see <see cref="Pipes.LineSink"/>).</param>
    internal sealed class LinesTarget(Action<string> onLine, Action? onRead = null) : OutputConsumer
    {
        public override Pipes.IByteSink Sink(System.Text.Encoding encoding, bool terminal = false) => new Pipes.LineSink(onLine, onRead, terminal, encoding);

        public override string ToString() => "Lines";
    }

    private sealed class Simple(StdioKind kind, string name) : Stdio
    {
        internal override StdioKind Kind => kind;

        public override string ToString() => name;
    }

    internal sealed class StreamTarget(System.IO.Stream stream) : OutputConsumer
    {
        public System.IO.Stream Target => stream;

        public override Pipes.IByteSink Sink(System.Text.Encoding encoding, bool terminal = false) => new Pipes.StreamSink(stream);

        public override string ToString() => $"Stream({stream.GetType().Name})";
    }

    /// <summary>Bytes for a child's stdin (<see cref="Bytes"/>), pumped as a stream of the caller's is.</summary>
    internal sealed class BytesSource(ReadOnlyMemory<byte> data) : Stdio
    {
        internal override StdioKind Kind => StdioKind.Stream;

        /// <summary>A fresh stream over the bytes, for one start.</summary>
        public System.IO.Stream Open() => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out ArraySegment<byte> array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

        public override string ToString() => $"Bytes({data.Length})";
    }

    /// <summary>The slave of a new pseudo-terminal (<see cref="Command.WithTerminal"/>): one per child,
    /// whichever of its streams are set to it.</summary>
    /// <param name="columns">Its width.</param>
    /// <param name="rows">Its height.</param>
    internal sealed class TerminalTarget(int columns, int rows) : Stdio
    {
        internal override StdioKind Kind => StdioKind.Terminal;

        public int Columns => columns;

        public int Rows => rows;

        /// <summary>Where the parent pumps what the terminal shows, when the call consumes it
        /// (<c>ReadLinesAsync</c>); null: left to the caller, through <see cref="ChildProcess.Terminal"/>.</summary>
        public OutputConsumer? Output { get; private init; }

        /// <summary>The same terminal, its output pumped into <paramref name="output"/>.</summary>
        public TerminalTarget ShowingTo(OutputConsumer output) => new(columns, rows) { Output = output };

        public override string ToString() => $"Terminal({columns}x{rows})";
    }

    internal sealed class FileTarget(string path, bool append) : Stdio
    {
        internal override StdioKind Kind => StdioKind.File;

        public string Path => path;

        public bool Append => append;

        public override string ToString() => $"File({path}{(append ? ", append" : "")})";
    }
}

internal enum StdioKind
{
    Stream,
    Inherit,
    Null,
    Pipe,
    ToStdout,
    File,
    Terminal,
}

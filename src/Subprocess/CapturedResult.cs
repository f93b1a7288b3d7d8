namespace Subprocess;

/// <summary>What <c>Capture</c> returns: a <see cref="ProcessResult"/> plus the captured output.</summary>
public sealed record CapturedResult : ProcessResult
{
    internal CapturedResult(ProcessResult result, ProcessOutput output)
        : base(result)
    {
        Stdout = output.Stdout;
        Stderr = output.Stderr;
        OutputComplete = output.Complete;
        TextEncoding = output.TextEncoding;
    }

    /// <summary>The encoding of the text views.</summary>
    private System.Text.Encoding TextEncoding { get; }

    /// <summary>False when the child exited while something it started still held stdout or stderr
    /// open past the drain timeout (<see cref="Command.WithDrainTimeout"/>): the output is what was read
    /// until then. Waiting ends at the child's exit, not at end of file.</summary>
    public bool OutputComplete { get; }

    /// <summary>Everything the child wrote to stdout (and stderr too, with <see cref="Stdio.ToStdout"/>).</summary>
    public byte[] Stdout { get; }

    /// <summary>Everything the child wrote to stderr (empty when stderr was not captured).</summary>
    public byte[] Stderr { get; }

    /// <summary><see cref="Stdout"/> decoded as UTF-8, or the command's encoding (<see cref="Command.WithEncoding"/>).</summary>
    public string StdoutText => TextEncoding.GetString(Stdout);

    /// <summary><see cref="Stderr"/> decoded as <see cref="StdoutText"/> is.</summary>
    public string StderrText => TextEncoding.GetString(Stderr);

    /// <summary>The members <see cref="object.ToString"/> shows: the outputs as their size and the start of their text.</summary>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", Stdout = ").Append(Preview(Stdout)).Append(", Stderr = ").Append(Preview(Stderr));
        if (!OutputComplete)
        {
            builder.Append(", OutputComplete = False");
        }
        return true;
    }

    /// <summary><c>12 bytes "hello world\n"</c>: the size, and the first 60 characters with control characters escaped.</summary>
    private string Preview(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return "0 bytes";
        }
        string text = TextEncoding.GetString(bytes, 0, Math.Min(bytes.Length, 240));
        var shown = new System.Text.StringBuilder();
        foreach (char c in text.Length > 60 ? text[..60] : text)
        {
            shown.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '"' => "\\\"", _ when char.IsControl(c) => $"\\x{(int)c:x2}", _ => c.ToString() });
        }
        return $"{bytes.Length} bytes \"{shown}{(text.Length > 60 || bytes.Length > 240 ? "..." : "")}\"";
    }
}

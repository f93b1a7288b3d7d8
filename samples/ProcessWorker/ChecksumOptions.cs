namespace ProcessWorker;

/// <summary>What the worker checksums and for how long, from the command line (<c>--folder</c>, <c>--rounds</c>).</summary>
internal sealed class ChecksumOptions
{
    /// <summary>The folder whose files (those named ProcessWorker*) are checksummed; the program's own folder by default.</summary>
    public string Folder { get; set; } = AppContext.BaseDirectory;

    /// <summary>How many rounds to run before stopping; 0: until stopped.</summary>
    public int Rounds { get; set; }
}

namespace Subprocess;

/// <summary>
/// A child could not be started: the program was not found, is not executable or is a directory, or
/// the working directory is missing. Thrown by <c>Start</c>, <c>Run</c> and <c>Capture</c> before
/// anything runs; nothing is left behind.
/// </summary>
public sealed class ProcessStartException : SubprocessException
{
    internal ProcessStartException(string program, string? workingDirectory, int errno, string reason, Exception? inner = null)
        : base(Describe(program, workingDirectory, reason), inner)
    {
        Program = program;
        WorkingDirectory = workingDirectory;
        Errno = errno;
        Reason = reason;
    }

    /// <summary>The program as the command named it.</summary>
    public string Program { get; }

    /// <summary>The working directory the child would have started in (null: the parent's).</summary>
    public string? WorkingDirectory { get; }

    /// <summary>The errno value behind the failure (ENOENT 2, EACCES 13, ...), or 0 if none applies.</summary>
    public int Errno { get; }

    /// <summary>What went wrong and what to do, without the program name.</summary>
    public string Reason { get; }

    private static string Describe(string program, string? workingDirectory, string reason) =>
        $"Cannot start '{program}': {reason} (working directory: {workingDirectory ?? CurrentDirectory()})";

    private static string CurrentDirectory()
    {
        try
        {
            return Directory.GetCurrentDirectory();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "none: it was removed";
        }
    }
}

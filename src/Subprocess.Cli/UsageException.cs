namespace Subprocess.Cli;

/// <summary>The command line was wrong: reported in one line, exit code 2, never a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);

namespace Subprocess.Cli.Commands;

/// <summary>Turns a <see cref="UsageException"/> from inside a command into one line and exit code 2.</summary>
internal static class Usage
{
    public const int ExitCode = 2;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"subproc: {e.Message}");
            return ExitCode;
        }
    }
}

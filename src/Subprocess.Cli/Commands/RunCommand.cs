using System.CommandLine;
using CliCommand = System.CommandLine.Command;

namespace Subprocess.Cli.Commands;

/// <summary><c>subproc run</c>: one command with the library's guarantees; its exit code becomes ours.</summary>
internal static class RunCommand
{
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "End the command after this long, with its whole process tree unless it reads this terminal (10, 1.5s, 500ms, 2m)" };
    private static readonly Option<string?> Grace = new("--grace") { Description = "Time between SIGTERM and SIGKILL when it is ended (default 2s; 0: SIGKILL at once)" };
    private static readonly Argument<string[]> Words = new("command") { Description = "PROGRAM ARGS...", Arity = ArgumentArity.OneOrMore };

    public static CliCommand Build()
    {
        var command = new CliCommand("run", "Run one command; exit with its code (128+N if signal N killed it)");
        command.Options.Add(Timeout);
        command.Options.Add(Grace);
        command.Arguments.Add(Words);
        command.SetAction((result, _) => Usage.Guard(() => RunAsync(result)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed)
    {
        string[] words = parsed.GetValue(Words)!;
        Subprocess.Command command = Subprocess.Command.Create(words[0], words.Skip(1)).WithCheck(false);
        if (parsed.GetValue(Timeout) is string t)
        {
            command = command.WithTimeout(Durations.TryParse(t, out TimeSpan d) ? d : throw new UsageException($"--timeout {t} is not a duration"));
        }
        if (parsed.GetValue(Grace) is string g)
        {
            command = command.WithGracePeriod(Durations.TryParse(g, out TimeSpan d, allowZero: true) ? d : throw new UsageException($"--grace {g} is not a duration"));
        }
        try
        {
            // No token: a cancellable one would put the child in a process group of its own, out of
            // the terminal's foreground group, and an interactive program could not read the terminal.
            // Ctrl-C reaches the child from the terminal, and the library ends it if we go first.
            ExitStatus status = (await command.RunAsync(CancellationToken.None)).ExitStatus;
            return ShellStatus.Of(status);
        }
        catch (ProcessStartException e)
        {
            await Console.Error.WriteLineAsync($"subproc: {e.Message}");
            return 127;
        }
        catch (ProcessTimeoutException e)
        {
            await Console.Error.WriteLineAsync($"subproc: {e.Message}");
            return e.ExitStatus is ExitStatus ended ? ShellStatus.Of(ended) : 128 + 9;
        }
    }
}

using Spectre.Console;

namespace Subprocess.Cli.Progress;

/// <summary>
/// <c>--bar</c>/<c>--progress</c>: a live bar with counts and an ETA, drawn by Spectre.Console on the
/// console it is given (stderr, and only when stderr is a terminal: see <see cref="ForStderr"/>).
/// </summary>
internal sealed class JobProgress(IAnsiConsole console, int total)
{
    /// <summary>A progress display on stderr if stderr is a terminal; null otherwise (pipes and files stay clean).</summary>
    public static JobProgress? ForStderr(int total) =>
        Console.IsErrorRedirected
            ? null
            : new JobProgress(AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Console.Error),
                // Spectre judges interactivity by stdout, which is often a pipe here; stderr is the terminal.
                Interactive = InteractionSupport.Yes,
                Ansi = AnsiSupport.Yes,
            }), total);

    /// <summary>Runs <paramref name="body"/>, which reports each finished job (true: succeeded) to the display.</summary>
    public Task RunAsync(Func<Action<bool>, Task> body) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Describe(0, 0), maxValue: Math.Max(total, 1));
                int done = 0, failed = 0;
                await body(succeeded =>
                {
                    done++;
                    failed += succeeded ? 0 : 1;
                    task.Increment(1);
                    task.Description = Describe(done, failed);
                });
                if (total == 0)
                {
                    task.Value = task.MaxValue;
                }
            });

    private string Describe(int done, int failed) => $"{done}/{total} jobs" + (failed > 0 ? $", {failed} failed" : "");
}

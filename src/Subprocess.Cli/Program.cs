using System.CommandLine;
using Subprocess.Cli;
using Subprocess.Cli.Commands;

// subproc: the library's command-line face. Usage errors exit 2 with one line, never a stack trace.
var root = new RootCommand("subproc: run commands with Subprocess's guarantees, and many at once")
{
    DemoCommand.Build(),
    RunCommand.Build(),
    ParallelCommand.Build(),
};
try
{
    // `run` and `parallel` take a command line that may have options of its own: ours come first.
    string[] arguments = args.Length > 0 && args[0] is "parallel" or "run"
        ? [args[0], .. ArgumentSplitter.Split(args[1..], root.Subcommands.Single(command => command.Name == args[0]), args[0] == "parallel" ? ParallelCommandOptions.Aliases : null)]
        : args;
    // No response files: GNU parallel has none, and '@x' is an input or -I's string (-I @@), not a file to read.
    ParseResult parsed = root.Parse(arguments, new ParserConfiguration { ResponseFileTokenReplacer = null });
    if (parsed.Errors.Count > 0)
    {
        if (parsed.CommandResult.Command == root && arguments.Length > 0 && !arguments[0].StartsWith('-'))
        {
            // One line for a verb we do not have, not System.CommandLine's two ("required", "unrecognized").
            Console.Error.WriteLine($"subproc: '{arguments[0]}' is not a command; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))}.");
        }
        else
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"subproc: {error.Message}");
            }
        }
        Console.Error.WriteLine("Try 'subproc --help'.");
        return Usage.ExitCode;
    }
    // Ctrl-C is each command's own business (parallel: first stops and terminates, second kills).
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
catch (UsageException e)
{
    Console.Error.WriteLine($"subproc: {e.Message}");
    return Usage.ExitCode;
}

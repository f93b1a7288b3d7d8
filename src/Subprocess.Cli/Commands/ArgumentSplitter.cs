using System.CommandLine;
using CliCommand = System.CommandLine.Command;

namespace Subprocess.Cli.Commands;

/// <summary>
/// Separates a command's own options from the command line it runs, which may have options of its
/// own (<c>subproc parallel -j 4 head -n 1 {}</c>): options are read up to the first word that is not
/// one, and a <c>--</c> is put there so the parser takes the rest as it is.
/// </summary>
internal static class ArgumentSplitter
{
    /// <summary>A short option's value may be joined to it, as GNU parallel and getopt allow
    /// (<c>-j2</c>): the parser reads that itself, so here it only has to be known as ours.</summary>
    /// <param name="args">The words after the command's name.</param>
    /// <param name="command">The command, whose declared options (and those it inherits, such as
    /// <c>--help</c>) are the ones it knows: an option that takes no value is a flag.</param>
    /// <param name="aliases">Other names of its options, each to the name it declares (GNU parallel's
    /// <c>-P</c> for <c>-j</c>, say): accepted, but kept out of <c>--help</c>.</param>
    /// <exception cref="UsageException">An option this command does not have.</exception>
    public static string[] Split(string[] args, CliCommand command, IReadOnlyDictionary<string, string>? aliases = null)
    {
        args = [.. args];
        IEnumerable<Option> known = command.Options.Concat(command.Parents.OfType<CliCommand>().SelectMany(parent => parent.Options).Where(option => option.Recursive));
        var optionsWithValue = new HashSet<string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (Option option in known)
        {
            (option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0 ? flags : optionsWithValue).UnionWith([option.Name, .. option.Aliases]);
        }

        int i = 0;
        while (i < args.Length)
        {
            string arg = args[i] = aliases is null ? args[i] : Renamed(args[i], aliases);
            string name = arg.Split('=', 2)[0];
            if (arg == "--")
            {
                return args;
            }
            if (optionsWithValue.Contains(name))
            {
                i += arg.Contains('=', StringComparison.Ordinal) ? 1 : 2;
            }
            else if (flags.Contains(arg) || arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && optionsWithValue.Contains(arg[..2]))
            {
                i++;
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new UsageException($"unknown option {arg}");
            }
            else
            {
                break;
            }
        }
        i = Math.Min(i, args.Length); // a missing value is the parser's to report
        return [.. args[..i], "--", .. args[i..]];
    }

    /// <summary><paramref name="arg"/> under its declared name if it is an alias: <c>--max-procs=4</c> as
    /// <c>--jobs=4</c>, <c>-P4</c> as <c>-j4</c>.</summary>
    private static string Renamed(string arg, IReadOnlyDictionary<string, string> aliases)
    {
        string name = arg.Split('=', 2)[0];
        return aliases.TryGetValue(name, out string? declared) ? declared + arg[name.Length..]
            : arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && aliases.TryGetValue(arg[..2], out string? shortName) ? shortName + arg[2..]
            : arg;
    }
}

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
        IEnumerable<Option> known = command.Options.Concat(command.Parents.OfType<CliCommand>().SelectMany(parent => parent.Options).Where(option => option.Recursive));
        var optionsWithValue = new HashSet<string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (Option option in known)
        {
            (option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0 ? flags : optionsWithValue).UnionWith([option.Name, .. option.Aliases]);
        }

        // One pass over the options, each word under its declared name and a bundle split apart, up to the
        // first word that is not one of ours.
        var options = new List<string>(args.Length + 1);
        int i = 0;
        for (; i < args.Length; i++)
        {
            string arg = aliases is null ? args[i] : Renamed(args[i], aliases);
            if (arg == "--")
            {
                return [.. options, .. args[i..]];
            }
            if (optionsWithValue.Contains(arg.Split('=', 2)[0]))
            {
                options.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    options.Add(args[++i]); // its value, whatever it looks like (a missing one is the parser's to report)
                }
            }
            else if (flags.Contains(arg) || arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && optionsWithValue.Contains(arg[..2]))
            {
                options.Add(arg); // a flag, or a short option with its value joined (-j2)
            }
            else if (Unbundled(arg, flags, optionsWithValue, aliases) is { } pieces)
            {
                options.AddRange(pieces);
                if (optionsWithValue.Contains(pieces[^1]) && i + 1 < args.Length)
                {
                    options.Add(args[++i]); // -kj 2: the value is the next word
                }
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
        return [.. options, "--", .. args[i..]];
    }

    /// <summary>
    /// Short options bundled as getopt (and so GNU parallel) allows, split apart: <c>-kq</c> as
    /// <c>-k -q</c>, <c>-kj2</c> as <c>-k -j2</c> (a short option that takes a value takes the rest of the
    /// word); null for a word that is not all our short options.
    /// </summary>
    private static List<string>? Unbundled(string arg, HashSet<string> flags, HashSet<string> optionsWithValue, IReadOnlyDictionary<string, string>? aliases)
    {
        if (arg.Length < 3 || arg[0] != '-' || arg[1] == '-')
        {
            return null;
        }
        string Short(int at) => aliases is not null && aliases.TryGetValue($"-{arg[at]}", out string? name) ? name : $"-{arg[at]}";
        var pieces = new List<string>();
        int at = 1;
        for (; at < arg.Length && flags.Contains(Short(at)); at++)
        {
            pieces.Add(Short(at));
        }
        if (at == 1 || at < arg.Length && !optionsWithValue.Contains(Short(at)))
        {
            return null;
        }
        if (at < arg.Length)
        {
            pieces.Add(Short(at) + arg[(at + 1)..]);
        }
        return pieces;
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

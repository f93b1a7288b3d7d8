namespace Subprocess.Cli.Commands;

/// <summary>
/// Separates a command's own options from the command line it runs, which may have options of its
/// own (<c>subproc parallel -j 4 head -n 1 {}</c>): options are read up to the first word that is not
/// one, and a <c>--</c> is put there so the parser takes the rest as it is.
/// </summary>
internal static class ArgumentSplitter
{
    /// <summary>A short option's value may be joined to it, as GNU parallel and getopt allow
    /// (<c>-j2</c>): it is passed on as two words.</summary>
    /// <exception cref="UsageException">An option this command does not have.</exception>
    public static string[] Split(string[] args, ISet<string> optionsWithValue, ISet<string> flags)
    {
        var own = new List<string>();
        int i = 0;
        while (i < args.Length)
        {
            string arg = args[i];
            string name = arg.Split('=', 2)[0];
            if (arg == "--")
            {
                return [.. own, .. args[i..]];
            }
            if (optionsWithValue.Contains(name))
            {
                int words = arg.Contains('=', StringComparison.Ordinal) ? 1 : 2;
                own.AddRange(args.Skip(i).Take(words));
                i = Math.Min(i + words, args.Length); // a missing value is the parser's to report
            }
            else if (flags.Contains(arg))
            {
                own.Add(arg);
                i++;
            }
            else if (arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && optionsWithValue.Contains(arg[..2]))
            {
                own.AddRange([arg[..2], arg[2..]]);
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
        return [.. own, "--", .. args[i..]];
    }
}

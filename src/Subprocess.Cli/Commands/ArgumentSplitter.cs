namespace Subprocess.Cli.Commands;

/// <summary>
/// Separates a command's own options from the command line it runs, which may have options of its
/// own (<c>subproc parallel -j 4 head -n 1 {}</c>): options are read up to the first word that is not
/// one, and a <c>--</c> is put there so the parser takes the rest as it is.
/// </summary>
internal static class ArgumentSplitter
{
    /// <exception cref="UsageException">An option this command does not have.</exception>
    public static string[] Split(string[] args, ISet<string> optionsWithValue, ISet<string> flags)
    {
        int i = 0;
        while (i < args.Length)
        {
            string arg = args[i];
            string name = arg.Split('=', 2)[0];
            if (arg == "--")
            {
                return args;
            }
            if (optionsWithValue.Contains(name))
            {
                i += arg.Contains('=', StringComparison.Ordinal) ? 1 : 2;
            }
            else if (flags.Contains(arg))
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
        i = Math.Min(i, args.Length);
        return [.. args[..i], "--", .. args[i..]];
    }
}

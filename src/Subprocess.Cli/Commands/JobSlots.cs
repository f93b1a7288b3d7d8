using System.Globalization;

namespace Subprocess.Cli.Commands;

/// <summary>
/// <c>--jobs</c> as GNU parallel reads it: <c>N</c> jobs at once (0: as many as there are inputs),
/// <c>+N</c> and <c>-N</c> more or fewer than the cores, <c>N%</c> of the cores (at least one).
/// </summary>
internal static class JobSlots
{
    /// <summary>How many jobs run at once for <paramref name="text"/> on <paramref name="cores"/> cores (0: no limit).</summary>
    /// <exception cref="UsageException">Not one of the forms, or fewer than one job.</exception>
    public static int Parse(string text, int cores)
    {
        int slots = text switch
        {
            ['+', .. string more] when Count(more) is int n => cores + n,
            ['-', .. string fewer] when Count(fewer) is int n => cores - n,
            [.. string share, '%'] when double.TryParse(share, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent > 0 =>
                Math.Max(1, (int)(cores * percent / 100)),
            _ when Count(text) is int n => n,
            _ => throw new UsageException($"--jobs {text} is not a job count: N (0: no limit), +N or -N (cores plus or minus N), or N% of the cores"),
        };
        return slots >= 0 && !(slots == 0 && text != "0")
            ? slots
            : throw new UsageException($"--jobs {text} leaves no job to run on {cores} cores (as GNU parallel: 'Cannot run any jobs')");
    }

    private static int? Count(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
}

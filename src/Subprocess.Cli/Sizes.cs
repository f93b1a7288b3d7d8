using System.Globalization;

namespace Subprocess.Cli;

/// <summary>
/// Sizes as GNU parallel writes them: a number, with K, M, G, T or P after it for powers of 1024, or
/// k, m, g, t or p for powers of 1000 (its "unit prefix").
/// </summary>
internal static class Sizes
{
    private const string Units = "KMGTPkmgtp";

    /// <summary>The size <paramref name="text"/> names, in bytes, for a <c>--pipe</c> block.</summary>
    /// <exception cref="UsageException">Not a positive size, or more than 1 GiB (a block is held in memory).</exception>
    public static int Parse(string text, string option)
    {
        double bytes = Bytes(text, option);
        return bytes <= 1 << 30
            ? (int)Math.Ceiling(bytes)
            : throw new UsageException($"{option} {text} is more than 1G, and a block is held in memory");
    }

    /// <summary>The size <paramref name="text"/> names, in bytes.</summary>
    /// <exception cref="UsageException">Not a positive size.</exception>
    public static double Bytes(string text, string option)
    {
        int unit = text.Length > 0 ? Units.IndexOf(text[^1], StringComparison.Ordinal) : -1;
        string digits = unit < 0 ? text : text[..^1];
        double scale = unit < 0 ? 1 : Math.Pow(unit < 5 ? 1024 : 1000, unit % 5 + 1);
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0
            ? value * scale
            : throw new UsageException($"{option} {text} is not a size: a number of bytes, with K, M, G, T or P after it (k, m, g, t, p: powers of 1000)");
    }
}

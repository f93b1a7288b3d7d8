using System.Globalization;

namespace Subprocess.Cli;

/// <summary>Sizes as GNU parallel writes them: bytes, or with a unit, K, M, G, T (powers of 1024; k, m, g, t too).</summary>
internal static class Sizes
{
    /// <summary>The size <paramref name="text"/> names, in bytes.</summary>
    /// <exception cref="UsageException">Not a positive size, or more than 1 GiB (a block is held in memory).</exception>
    public static int Parse(string text, string option)
    {
        string digits = text.TrimEnd('K', 'M', 'G', 'T', 'k', 'm', 'g', 't');
        int unit = text.Length - digits.Length;
        long scale = unit == 0 ? 1 : char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
        if (unit > 1 || !double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * scale > 1 << 30)
        {
            throw new UsageException($"{option} {text} is not a size from 1 byte to 1G (a number, with K, M or G after it)");
        }
        return (int)Math.Ceiling(value * scale);
    }
}

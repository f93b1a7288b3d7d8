using System.Globalization;

namespace Subprocess.Cli;

/// <summary>Durations as people type them: <c>10</c> (seconds, as GNU parallel), <c>1.5s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>.</summary>
internal static class Durations
{
    /// <param name="text">What was typed.</param>
    /// <param name="duration">The duration, if it parsed.</param>
    /// <param name="allowZero">Accept 0 (a grace period of none); a timeout of zero means nothing.</param>
    public static bool TryParse(string text, out TimeSpan duration, bool allowZero = false)
    {
        (string number, double unit) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        bool ok = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && (value > 0 || (allowZero && value == 0)) && double.IsFinite(value);
        duration = ok ? TimeSpan.FromSeconds(value * unit) : default;
        return ok;
    }
}

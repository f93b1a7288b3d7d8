using System.Globalization;

namespace Subprocess;

/// <summary>
/// When <see cref="JobRunner"/> stops early (GNU parallel's <c>--halt</c>): after a number or a
/// percentage of jobs have failed (or succeeded), either stop starting new jobs and let the running
/// ones finish (<see cref="HaltWhen.Soon"/>) or also end the running ones' trees (<see cref="HaltWhen.Now"/>).
/// </summary>
/// <param name="When">Soon: finish what runs; Now: end it.</param>
/// <param name="OnSuccess">Count successes instead of failures.</param>
/// <param name="Count">How many jobs trigger the halt (used when <paramref name="Percent"/> is null).</param>
/// <param name="Percent">What share of all jobs triggers it (GNU parallel's <c>fail=10%</c>): the count is
/// that share of the number of inputs, rounded up. A share needs that number, so <see cref="JobRunner"/>
/// reads inputs that are not a collection to the end before it starts the first job, as GNU parallel does.</param>
public sealed record HaltPolicy(HaltWhen When, bool OnSuccess, int Count, double? Percent = null)
{
    /// <summary>
    /// Parses GNU parallel's forms: <c>never</c>, <c>now,fail=1</c>, <c>soon,success=3</c>,
    /// <c>now,fail=10%</c>, and the numeric shorthands <c>1</c> (soon,fail=1) and <c>2</c> (now,fail=1).
    /// </summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static HaltPolicy? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text)
        {
            case "never" or "0":
                return null;
            case "1":
                return new HaltPolicy(HaltWhen.Soon, false, 1);
            case "2":
                return new HaltPolicy(HaltWhen.Now, false, 1);
        }
        string[] parts = text.Split(',', 2);
        string[] trigger = parts.Length == 2 ? parts[1].Split('=', 2) : [];
        HaltWhen? when = parts[0] switch { "now" => HaltWhen.Now, "soon" => HaltWhen.Soon, _ => null };
        bool? onSuccess = trigger.Length == 2 ? trigger[0] switch { "fail" => false, "success" => true, _ => null } : null;
        if (when is null || onSuccess is null)
        {
            throw new FormatException($"'{text}' is not a halt policy: expected never, now|soon,fail|success=N or N%");
        }
        string amount = trigger[1];
        if (amount.EndsWith('%')
            && double.TryParse(amount[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent > 0 && percent <= 100)
        {
            return new HaltPolicy(when.Value, onSuccess.Value, 1, percent);
        }
        return int.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0
            ? new HaltPolicy(when.Value, onSuccess.Value, count)
            : throw new FormatException($"'{text}' is not a halt policy: {amount} is not a positive count or percentage");
    }

    /// <summary>Whether a run of <paramref name="total"/> jobs halts after these counts (how a caller
    /// such as <c>subproc</c> tells a halt on success from failures, for its exit code).</summary>
    /// <param name="failed">Jobs failed so far.</param>
    /// <param name="succeeded">Jobs succeeded so far.</param>
    /// <param name="total">How many jobs there are in all; a percentage cannot be reached without it.</param>
    public bool IsReached(int failed, int succeeded, long? total)
    {
        int counted = OnSuccess ? succeeded : failed;
        if (Percent is not double percent)
        {
            return counted >= Count;
        }
        // Without the total, one failure is 100% of the jobs finished so far: halting there would
        // make every percentage mean "the first one". JobRunner always knows the total.
        return total is long all && counted >= Math.Max(1, Math.Ceiling(all * percent / 100));
    }
}

/// <summary>How a <see cref="HaltPolicy"/> stops the run.</summary>
public enum HaltWhen
{
    /// <summary>Start no more jobs; let the running ones finish.</summary>
    Soon,

    /// <summary>Start no more jobs and end the running ones' trees.</summary>
    Now,
}

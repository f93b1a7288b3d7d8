using System.Globalization;
using System.Text.RegularExpressions;

namespace Subprocess.Cli.Templates;

/// <summary>
/// GNU parallel's replacement strings, as one run's options make them: <c>{}</c> the input (or the
/// string <c>-I</c> names instead), <c>{.}</c> without extension, <c>{/}</c> basename, <c>{//}</c>
/// dirname, <c>{/.}</c> basename without extension, <c>{#}</c> job number, <c>{%}</c> slot, and
/// <c>{1}</c>, <c>{2.}</c>, <c>{-1}</c>... for one input source of several; with <c>--plus</c>, also
/// <c>{+/}</c>, <c>{+.}</c>, <c>{..}</c>, <c>{##}</c>, <c>{0#}</c>, <c>{uniq}</c>, <c>{choose_k}</c> and the
/// bash-like <c>{:-x}</c>, <c>{%.gz}</c>, <c>{/a/b}</c>... (see <see cref="ValueForms"/>).
/// </summary>
internal sealed class Replacements
{
    /// <summary>The forms of an input GNU parallel always knows, after the braces' <c>{n</c>.</summary>
    private const string BasicForms = @"//|/\.|/|\.";

    /// <summary><c>--plus</c>'s fixed forms, longest first, then its bash-like ones with their arguments.</summary>
    private const string PlusForms = @"/\.\.\.|/\.\.|\+/|\+\.\.\.|\+\.\.|\+\.|\.\.\.|\.\.|" +
        @":-[^}]+?|:\d+:\d+|:\d+|##[^#}][^}]*?|#[^#}][^}]*?|%%[^}]+?|%[^}]+?|" +
        @"//[^}]+?/[^}]*?|/\#[^}]+?/[^}]*?|/%[^}]+?/[^}]*?|/[^#%}/]+?/[^}]*?|\^\^[^}]+?|\^[^}]+?|,,[^}]+?|,[^}]+?";

    private readonly Regex _pattern;

    /// <summary>The replacement strings of a run given none of <c>-I</c>, <c>--plus</c> or <c>--colsep</c>.</summary>
    public static Replacements Gnu { get; } = new(replaceString: null, plus: false, missingIsEmpty: false);

    /// <param name="replaceString"><c>-I</c>'s string, which takes the place of <c>{}</c> (and, as in GNU
    /// parallel, of <c>{n}</c>; <c>{.}</c> and the other forms stay), or null.</param>
    /// <param name="plus"><c>--plus</c>: GNU parallel's further replacement strings.</param>
    /// <param name="missingIsEmpty">Whether a <c>{n}</c> beyond a job's values is empty rather than an error:
    /// columns under <c>--colsep</c> vary from line to line.</param>
    /// <exception cref="UsageException">An empty <paramref name="replaceString"/>.</exception>
    public Replacements(string? replaceString, bool plus, bool missingIsEmpty)
    {
        if (replaceString is { Length: 0 })
        {
            throw new UsageException("-I needs a replacement string to use instead of {}");
        }
        bool renamed = replaceString is not null and not "{}";
        string forms = plus ? PlusForms + "|" + BasicForms : BasicForms;
        // With -I, {} and {n} are gone (GNU parallel renames the one rule both come from); the forms stay.
        string input = $@"\{{(?<source>-?\d+)?(?<form>{forms}){(renamed ? "" : "?")}\}}";
        string job = plus ? @"\{(?<job>\#|%|\#\#|0\#|0%|uniq|choose_k)\}" : @"\{(?<job>\#|%)\}";
        // -I's string first: one that looks like a form (-I '{/}') is the input, as in GNU parallel.
        _pattern = new Regex(renamed ? $"(?<whole>{Regex.Escape(replaceString!)})|{job}|{input}" : $"{job}|{input}",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
        MissingIsEmpty = missingIsEmpty;
    }

    /// <summary>See the constructor's <c>missingIsEmpty</c>.</summary>
    public bool MissingIsEmpty { get; }

    /// <summary>How many jobs there are in all, for <c>{##}</c> and <c>{0#}</c>: set once the inputs are read.</summary>
    public long Total { get; set; }

    /// <summary>How many jobs run at once, for <c>{0%}</c>'s width (0: no limit, as many as there are jobs).</summary>
    public int Slots { get; init; } = 1;

    /// <summary>Whether <paramref name="text"/> holds a replacement string.</summary>
    public bool Present(string text) => _pattern.IsMatch(text);

    /// <summary>Every replacement string in <paramref name="text"/>, in order.</summary>
    public IEnumerable<Match> Find(string text) => _pattern.Matches(text);

    /// <summary>Whether <paramref name="match"/> is <c>{}</c> or a form of it (<c>{.}</c>, <c>{/}</c>...), which
    /// stands for each of a job's arguments in turn, not <c>{1}</c>, <c>{#}</c> or <c>{%}</c>.</summary>
    public static bool StandsForEach(Match match) => !match.Groups["source"].Success && !match.Groups["job"].Success;

    /// <summary>Which jobs <paramref name="template"/> skips, under <c>--plus</c>: with <c>{uniq}</c> those whose
    /// values are not all different, with <c>{choose_k}</c> those whose values are not in increasing order
    /// (n choose k: each set once); null when it holds neither, and every job runs. Read from the template
    /// once, not for each job.</summary>
    public Func<IReadOnlyList<string>, bool>? SkipRule(IEnumerable<string> template)
    {
        var jobForms = template.SelectMany(Find).Select(match => match.Groups["job"].Value).ToHashSet();
        bool uniq = jobForms.Contains("uniq"), chooseK = jobForms.Contains("choose_k");
        return !uniq && !chooseK ? null : values =>
            uniq && values.Distinct(StringComparer.Ordinal).Count() != values.Count
            || chooseK && values.Zip(values.Skip(1)).Any(pair => string.CompareOrdinal(pair.First, pair.Second) >= 0);
    }

    /// <summary>Fills in <paramref name="text"/> as it is (no quoting: each word goes to the program as one argument).</summary>
    /// <param name="text">The template word.</param>
    /// <param name="inputs">The job's values.</param>
    /// <param name="context">Its number and slot.</param>
    /// <param name="short">A job of several arguments, whose last may have fewer than <c>{n}</c> asks: empty then, as in GNU parallel.</param>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public string Apply(string text, IReadOnlyList<string> inputs, JobContext context, bool @short = false) =>
        _pattern.Replace(text, match => ValueOf(match, inputs, context, @short));

    /// <summary>What the replacement string <paramref name="match"/> stands for in this job (see <see cref="Apply"/>).</summary>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public string ValueOf(Match match, IReadOnlyList<string> inputs, JobContext context, bool @short = false) => match.Groups["job"].Value switch
    {
        "#" => context.Number.ToString(CultureInfo.InvariantCulture),
        "%" => context.Slot.ToString(CultureInfo.InvariantCulture),
        "##" => Total.ToString(CultureInfo.InvariantCulture),
        "0#" => context.Number.ToString(CultureInfo.InvariantCulture).PadLeft(Digits(Total), '0'),
        "0%" => context.Slot.ToString(CultureInfo.InvariantCulture).PadLeft(Digits(Slots == 0 ? Total : Slots), '0'),
        // They stand for the input as {} does; what they add is the skipping (see Skips).
        "uniq" or "choose_k" => string.Join(' ', inputs),
        _ => ValueForms.Apply(Input(match, inputs, @short || MissingIsEmpty), match.Groups["form"].Value),
    };

    private static int Digits(long count) => Math.Max(1, count).ToString(CultureInfo.InvariantCulture).Length;

    private static string Input(Match match, IReadOnlyList<string> inputs, bool @short)
    {
        if (!match.Groups["source"].Success)
        {
            return string.Join(' ', inputs);
        }
        // A number past int's range names no source there is, as one just past the last does.
        int source = int.TryParse(match.Groups["source"].Value, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
        // {-1} is the last source, {-2} the one before it.
        int index = source < 0 ? inputs.Count + source : source - 1;
        return source != 0 && index >= 0 && index < inputs.Count ? inputs[index]
            : @short && source > 0 ? ""
            : throw new UsageException($"{match.Value} names input source {match.Groups["source"].Value}, but there are {inputs.Count}");
    }
}

using System.Text.RegularExpressions;

namespace Subprocess.Cli.Templates;

/// <summary>
/// GNU parallel's replacement strings: <c>{}</c> the input, <c>{.}</c> without extension, <c>{/}</c>
/// basename, <c>{//}</c> dirname, <c>{/.}</c> basename without extension, <c>{#}</c> job number,
/// <c>{%}</c> slot, and <c>{1}</c>, <c>{2.}</c>, ... for one input source of several.
/// </summary>
internal static partial class Replacements
{
    [GeneratedRegex(@"\{(?<source>\d+)?(?<form>\.|/|//|/\.)?\}|\{#\}|\{%\}")]
    private static partial Regex Pattern();

    public static bool Present(string text) => Pattern().IsMatch(text);

    /// <summary>Whether <paramref name="match"/> is <c>{}</c> or a form of it (<c>{.}</c>, <c>{/}</c>...), which
    /// stands for each of a job's arguments in turn, not <c>{1}</c>, <c>{#}</c> or <c>{%}</c>.</summary>
    public static bool StandsForEach(Match match) => !match.Groups["source"].Success && match.Value is not ("{#}" or "{%}");

    /// <summary>Every replacement string in <paramref name="text"/>, in order.</summary>
    public static IEnumerable<Match> Find(string text) => Pattern().Matches(text);

    /// <summary>Fills in <paramref name="text"/> as it is (no quoting: each word goes to the program as one argument).</summary>
    /// <param name="text">The template word.</param>
    /// <param name="inputs">The job's values.</param>
    /// <param name="context">Its number and slot.</param>
    /// <param name="short">A job of several arguments, whose last may have fewer than <c>{n}</c> asks: empty then, as in GNU parallel.</param>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public static string Apply(string text, IReadOnlyList<string> inputs, JobContext context, bool @short = false) =>
        Pattern().Replace(text, match => ValueOf(match, inputs, context, @short));

    /// <summary>What the replacement string <paramref name="match"/> stands for in this job (see <see cref="Apply"/>).</summary>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public static string ValueOf(Match match, IReadOnlyList<string> inputs, JobContext context, bool @short = false) => match.Value switch
    {
        "{#}" => context.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "{%}" => context.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Form(Input(match, inputs, @short), match.Groups["form"].Value),
    };

    private static string Input(Match match, IReadOnlyList<string> inputs, bool @short)
    {
        if (!match.Groups["source"].Success)
        {
            return string.Join(' ', inputs);
        }
        int source = int.Parse(match.Groups["source"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return source >= 1 && source <= inputs.Count ? inputs[source - 1]
            : @short && source >= 1 ? ""
            : throw new UsageException($"{match.Value} names input source {source}, but there are {inputs.Count}");
    }

    private static string Form(string value, string form) => form switch
    {
        "." => WithoutExtension(value),
        "/" => Basename(value),
        "//" => Dirname(value),
        "/." => WithoutExtension(Basename(value)),
        _ => value,
    };

    private static string Basename(string path)
    {
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 || trimmed.Length == 1 ? trimmed : trimmed[(slash + 1)..];
    }

    private static string Dirname(string path)
    {
        int slash = path.TrimEnd('/').LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : path[..slash];
    }

    private static string WithoutExtension(string path)
    {
        int dot = path.LastIndexOf('.');
        return dot > path.LastIndexOf('/') + 1 ? path[..dot] : path;
    }
}

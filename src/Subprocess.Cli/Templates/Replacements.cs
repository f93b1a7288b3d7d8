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

    /// <summary>Every replacement string in <paramref name="text"/>, in order.</summary>
    public static IEnumerable<Match> Find(string text) => Pattern().Matches(text);

    /// <summary>Fills in <paramref name="text"/> as it is (no quoting: each word goes to the program as one argument).</summary>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public static string Apply(string text, IReadOnlyList<string> inputs, JobContext context) =>
        Pattern().Replace(text, match => ValueOf(match, inputs, context));

    /// <summary>What the replacement string <paramref name="match"/> stands for in this job.</summary>
    /// <exception cref="UsageException">A <c>{n}</c> beyond the number of input sources.</exception>
    public static string ValueOf(Match match, IReadOnlyList<string> inputs, JobContext context) => match.Value switch
    {
        "{#}" => context.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "{%}" => context.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Form(Input(match, inputs), match.Groups["form"].Value),
    };

    private static string Input(Match match, IReadOnlyList<string> inputs)
    {
        if (!match.Groups["source"].Success)
        {
            return string.Join(' ', inputs);
        }
        int source = int.Parse(match.Groups["source"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return source >= 1 && source <= inputs.Count
            ? inputs[source - 1]
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

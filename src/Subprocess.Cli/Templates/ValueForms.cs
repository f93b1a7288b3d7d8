using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Subprocess.Cli.Templates;

/// <summary>
/// What a replacement string's form does to its value, as GNU parallel's own rules (Perl
/// substitutions) do it, quirks included: <c>{.}</c> of <c>.bashrc</c> is empty and <c>{/}</c> of
/// <c>dir/</c> is too, as there. The <c>--plus</c> forms take a regex where bash takes a glob
/// (<c>{%.gz}</c> strips <c>.gz</c>, but <c>.</c> is any character), as GNU parallel's do.
/// </summary>
internal static partial class ValueForms
{
    /// <summary><paramref name="value"/> in the <paramref name="form"/> written after <c>{</c> (and a source
    /// number): empty for the value itself, <c>.</c>, <c>/</c>, <c>+..</c>, <c>:-default</c>, <c>%regex</c>...</summary>
    /// <exception cref="UsageException">A form's regex that does not parse.</exception>
    public static string Apply(string value, string form) => form switch
    {
        "" => value,
        "." => Extension().Replace(value, "", 1),
        "/" => Directories().Replace(value, "", 1),
        "//" => Dirname(value),
        "/." => Extension().Replace(Directories().Replace(value, "", 1), "", 1),
        "+/" => value.LastIndexOf('/') is int slash and >= 0 ? value[..slash] : "",
        "+." => value.LastIndexOf('.') is int dot and >= 0 ? value[(dot + 1)..] : "",
        "+.." => TwoExtensions().Match(value) is { Success: true } two ? two.Value[1..] : "",
        "+..." => ThreeExtensions().Match(value) is { Success: true } three ? three.Value[1..] : "",
        ".." => TwoExtensions().Replace(value, "", 1),
        "..." => ThreeExtensions().Replace(value, "", 1),
        "/.." => TwoExtensions().Replace(Directories().Replace(value, "", 1), "", 1),
        "/..." => ThreeExtensions().Replace(Directories().Replace(value, "", 1), "", 1),
        _ => BashLike(value, form),
    };

    /// <summary>The bash-inspired forms of <c>--plus</c>: <c>${a:-x}</c>, <c>${a:2}</c>, <c>${a#re}</c>, <c>${a/re/x}</c>, <c>${a^re}</c>...</summary>
    private static string BashLike(string value, string form)
    {
        if (form.StartsWith(":-", StringComparison.Ordinal))
        {
            // Perl's ||=: "0" is false too, so it is replaced as the empty value is.
            return value is "" or "0" ? form[2..] : value;
        }
        if (form[0] == ':')
        {
            // Past int's range is past any value's end.
            int[] numbers = [.. form[1..].Split(':').Select(n => int.TryParse(n, CultureInfo.InvariantCulture, out int i) ? i : int.MaxValue)];
            int start = Math.Min(numbers[0], value.Length);
            return numbers.Length == 1 ? value[start..] : value.Substring(start, Math.Min(numbers[1], value.Length - start));
        }
        return form switch
        {
            ['#', '#', .. string re] => Pattern($"^(?:{re})").Replace(value, "", 1),
            ['#', .. string re] => Pattern($"^(?:{Ungreedy(re)})").Replace(value, "", 1),
            ['%', '%', .. string re] => Pattern($"(?:{re})$").Replace(value, "", 1),
            // The shortest suffix: the longest prefix before it (GNU parallel's s/(.*)re?$/$1/).
            ['%', .. string re] => Pattern($"(.*)(?:{Ungreedy(re)})$").Replace(value, "$1", 1),
            ['/', '/', .. string rest] => Substitute(value, rest, "", "", all: true),
            ['/', '#', .. string rest] => Substitute(value, rest, "^", "", all: true),
            ['/', '%', .. string rest] => Substitute(value, rest, "", "$", all: true),
            ['/', .. string rest] => Substitute(value, rest, "", "", all: false),
            ['^', '^', .. string re] => ChangeCase(value, re, "", upper: true, all: true),
            ['^', .. string re] => ChangeCase(value, re, "^", upper: true, all: false),
            [',', ',', .. string re] => ChangeCase(value, re, "", upper: false, all: true),
            [',', .. string re] => ChangeCase(value, re, "^", upper: false, all: false),
            _ => throw new UsageException($"{{{form}}} is not a replacement string"),
        };
    }

    private static string Substitute(string value, string rest, string before, string after, bool all)
    {
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        Regex re = Pattern($"{before}(?:{rest[..slash]}){after}");
        // The replacement is taken as it is written: no $1, as Perl's s/// here interpolates none.
        string replacement = rest[(slash + 1)..].Replace("$", "$$", StringComparison.Ordinal);
        return re.Replace(value, replacement, all ? -1 : 1);
    }

    private static string ChangeCase(string value, string re, string before, bool upper, bool all) =>
        Pattern($"{before}(?:{re})").Replace(value, m => upper ? m.Value.ToUpperInvariant() : m.Value.ToLowerInvariant(), all ? -1 : 1);

    /// <summary>Each form's regex, made once for the whole run rather than once a job.</summary>
    private static readonly ConcurrentDictionary<string, Regex> Made = new(StringComparer.Ordinal);

    private static Regex Pattern(string pattern)
    {
        try
        {
            return Made.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"'{pattern}' in a replacement string is not a regular expression: {e.Message}");
        }
    }

    /// <summary>Each quantifier made lazy (<c>*</c> to <c>*?</c>), outside character classes and escapes, as GNU parallel does for <c>{#re}</c> and <c>{%re}</c>.</summary>
    private static string Ungreedy(string re)
    {
        var lazy = new StringBuilder(re.Length + 4);
        bool escaped = false, inClass = false, quantified = false;
        foreach (char c in re)
        {
            if (quantified && c != '?')
            {
                lazy.Append('?');
            }
            quantified = false;
            lazy.Append(c);
            if (escaped)
            {
                escaped = false;
            }
            else if (c == '\\')
            {
                escaped = true;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else
            {
                quantified = c is '*' or '+' or '}';
            }
        }
        return quantified ? lazy.Append('?').ToString() : lazy.ToString();
    }

    /// <summary>dirname(1): the path without its last component (and the slashes around it); <c>.</c> if none, <c>/</c> at the root.</summary>
    private static string Dirname(string path)
    {
        string trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return path.Length == 0 ? "." : "/";
        }
        int slash = trimmed.LastIndexOf('/');
        if (slash < 0)
        {
            return ".";
        }
        string parent = trimmed[..slash].TrimEnd('/');
        return parent.Length == 0 ? "/" : parent;
    }

    [GeneratedRegex(@"\.[^/.]*$")]
    private static partial Regex Extension();

    [GeneratedRegex(@"\.[^/.]*\.[^/.]*$")]
    private static partial Regex TwoExtensions();

    [GeneratedRegex(@"\.[^/.]*\.[^/.]*\.[^/.]*$")]
    private static partial Regex ThreeExtensions();

    [GeneratedRegex(".*/")]
    private static partial Regex Directories();
}

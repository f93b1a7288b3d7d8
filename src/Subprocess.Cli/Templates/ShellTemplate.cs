using System.Text;
using System.Text.RegularExpressions;
using Subprocess.ShellScripts;

namespace Subprocess.Cli.Templates;

/// <summary>
/// A <c>--shell</c> template, read once with <c>/bin/sh</c>'s quoting rules so that each replacement
/// string is filled in quoted for the place it stands in: unquoted (<c>'...'</c> when needed), inside
/// single quotes (a quote closed and reopened), inside double quotes (<c>\</c> before <c>$ ` " \</c>,
/// and <c>}</c> within <c>${...}</c>),
/// in a comment (no newline, which would end it). Whatever the input, it reaches the command as one
/// literal value and is never run. A template that quotes <c>{}</c> itself (<c>echo "{}"</c>) therefore
/// works as its author meant; where no quoting can be sure (inside backquotes, after a backslash, in a
/// here-document), the template is refused, with the way to write it. The reading and the quoting are
/// the library's own (<see cref="ShellScanner"/>, <see cref="ShellQuoting"/>), as for
/// <c>Command.Shell($"...")</c>; only a bare value is written GNU parallel's way (<see cref="GnuQuote"/>).
/// </summary>
internal sealed class ShellTemplate
{
    private readonly string _script;
    private readonly (Match Hole, ShellContext Context, bool AfterName)[] _holes;
    private readonly ShellContext _end;
    private readonly Replacements _replacements;

    private ShellTemplate(string script, (Match, ShellContext, bool)[] holes, ShellContext end, Replacements replacements)
    {
        (_script, _holes, _end, _replacements) = (script, holes, end, replacements);
    }

    /// <summary>Whether the template names its inputs; if not, they are appended to it.</summary>
    public bool HasReplacements => _holes.Length > 0;

    /// <exception cref="UsageException">A replacement string stands where it cannot be quoted safely, or a quote is left open.</exception>
    public static ShellTemplate Parse(string script, Replacements replacements)
    {
        var starts = replacements.Find(script).ToDictionary(match => match.Index);
        var holes = new List<(Match, ShellContext, bool)>();
        var scanner = new ShellScanner(script, starts.ContainsKey);
        ShellContext end;
        try
        {
            while (!scanner.AtEnd)
            {
                if (starts.TryGetValue(scanner.Position, out Match? hole))
                {
                    // After $NAME a bare value would lengthen the name ($PREFIX{} with _x is $PREFIX_x); before
                    // < or > a bare 2 would make a redirection (echo {}>&1).
                    holes.Add((hole, scanner.Place(hole.Value), ShellQuoting.SetOff(script, hole.Index, hole.Index + hole.Length)));
                    scanner.Skip(hole.Length);
                    continue;
                }
                scanner.Step();
            }
            end = scanner.EndPlace();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return new ShellTemplate(script, [.. holes], end, replacements);
    }

    /// <summary>The script for one job: each replacement string filled in, quoted for where it stands;
    /// with none in the template, the inputs appended, each quoted. For a job of several
    /// <paramref name="arguments"/>, a bare <c>{}</c> (or a form of it) is each one's value quoted apart,
    /// so each is a word of its own, as GNU parallel writes them; inside quotes, they are joined by spaces.</summary>
    /// <param name="inputs">The job's values.</param>
    /// <param name="context">Its number and slot.</param>
    /// <param name="arguments">A job of several arguments: each one's values, or null.</param>
    public string Fill(IReadOnlyList<string> inputs, Subprocess.JobContext context, IReadOnlyList<IReadOnlyList<string>>? arguments = null)
    {
        if (_holes.Length == 0)
        {
            return _script + " " + string.Join(' ', inputs.Select(input => Quote(input, _end)));
        }
        var script = new StringBuilder(_script.Length + 32);
        int copied = 0;
        foreach ((Match hole, ShellContext place, bool afterName) in _holes)
        {
            script.Append(_script, copied, hole.Index - copied);
            if (arguments is not null && place == ShellContext.Unquoted && !afterName && Replacements.StandsForEach(hole))
            {
                script.AppendJoin(' ', arguments.Select(argument => Quote(_replacements.ValueOf(hole, argument, context), place)));
                copied = hole.Index + hole.Length;
                continue;
            }
            string value = _replacements.ValueOf(hole, inputs, context, @short: arguments is not null);
            script.Append(ShellQuoting.Quote(value, place, afterName, GnuQuote.Word));
            copied = hole.Index + hole.Length;
        }
        return script.Append(_script, copied, _script.Length - copied).ToString();
    }

    /// <summary><paramref name="value"/> written so that the shell reads it back, in <paramref name="place"/>, as itself;
    /// bare, as GNU parallel quotes it, so the script (and the job log's Command) reads as its does (it quotes
    /// = too, which at the head of a command would make an assignment of the word).</summary>
    private static string Quote(string value, ShellContext place) => ShellQuoting.Quote(value, place, bareWord: GnuQuote.Word);
}

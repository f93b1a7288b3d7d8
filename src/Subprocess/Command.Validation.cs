using System.Collections.Immutable;

namespace Subprocess;

/// <summary>The checks that make a bad value fail at the call that brings it, with a message that says why.</summary>
public sealed partial class Command
{
    private static ImmutableArray<string> ValidArguments(IEnumerable<string> arguments, int offset)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ImmutableArray<string> list = [.. arguments];
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(arguments), $"Argument {offset + i + 1} is null.");
            }
            // The common case, checked without making the message: -X hands a command 20,000 arguments.
            if (!Passable(list[i]))
            {
                RejectUnpassable(list[i], nameof(arguments), $"Argument {offset + i + 1}");
            }
        }
        return list;
    }

    /// <summary>Refuses a timeout of zero or less, which would expire before the child could do anything.</summary>
    internal static void PositiveTimeout(TimeSpan timeout, string instead)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"A timeout must be longer than zero, not {timeout}; {instead}.");
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The environment variable name '{name}' contains '=', which would split it into another name and value.", nameof(name));
        }
        RejectUnpassable(name, nameof(name), "An environment variable name");
    }

    /// <summary>Refuses what cannot reach a process as the text given: a NUL (argv and envp end at it),
    /// and a lone UTF-16 surrogate, which has no UTF-8 form and would arrive as U+FFFD.</summary>
    /// <summary>Whether <paramref name="text"/> holds neither a NUL nor any surrogate (paired ones are fine too, but rare: <see cref="RejectUnpassable"/> tells them apart).</summary>
    private static bool Passable(string text) => !text.AsSpan().ContainsAny(Unusual);

    private static readonly System.Buffers.SearchValues<char> Unusual = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0xD800, 0x800).Select(c => (char)c), '\0']);

    private static void RejectUnpassable(string text, string parameter, string what)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} contains a NUL character, which cannot be passed to a process.", parameter);
        }
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new ArgumentException(
                    $"{what} contains a lone UTF-16 surrogate (U+{(int)text[i]:X4} at index {i}), which has no UTF-8 form and would " +
                    "reach the process as U+FFFD; to pass bytes that are not UTF-8, use WithRawArgument or WithEnvironment(name, bytes).", parameter);
            }
        }
    }

    private static Stdio NotToStdout(Stdio stdio, string parameter)
    {
        ArgumentNullException.ThrowIfNull(stdio, parameter);
        return stdio.Kind == StdioKind.ToStdout
            ? throw new ArgumentException("Stdio.ToStdout is for stderr only.", parameter)
            : stdio;
    }

    private static Stdio NotInputOnly(Stdio stdio, string parameter)
    {
        ArgumentNullException.ThrowIfNull(stdio, parameter);
        return stdio is Stdio.BytesSource
            ? throw new ArgumentException("Stdio.Bytes is a child's input; for its output, use Capture, Stdio.Stream or Stdio.Lines.", parameter)
            : stdio;
    }
}

namespace Subprocess.Cli.Inputs;

/// <summary>One job's inputs and its number in the full input list.</summary>
/// <param name="Number">Its number, from 1.</param>
/// <param name="Values">Its values: one per source, or, for a job of several arguments (<c>-n</c>,
/// <c>-X</c>...), every argument's in turn.</param>
internal sealed record JobInput(long Number, IReadOnlyList<string> Values)
{
    /// <summary>The arguments of a job of several (each one value per source), for the replacement
    /// strings that stand for each in turn (<c>-X</c>, <c>-N</c>, <c>-L</c>); null: the one, <see cref="Values"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Arguments { get; init; }

    /// <summary>Under <c>--pipe</c>, the block of records the job reads on its stdin; null otherwise.</summary>
    public Stdio? Stdin { get; init; }
}

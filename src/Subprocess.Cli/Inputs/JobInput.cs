namespace Subprocess.Cli.Inputs;

/// <summary>One job's inputs (one value per source) and its number in the full input list.</summary>
internal sealed record JobInput(long Number, IReadOnlyList<string> Values);

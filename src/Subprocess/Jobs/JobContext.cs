namespace Subprocess;

/// <summary>Which job is being built, for commands that name it: GNU parallel's <c>{#}</c> and <c>{%}</c>.</summary>
/// <param name="Number">The job's sequence number, from 1, in input order.</param>
/// <param name="Slot">The slot it runs in, from 1 to the parallelism: no two running jobs share one.</param>
public sealed record JobContext(long Number, int Slot);

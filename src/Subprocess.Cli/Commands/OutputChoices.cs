namespace Subprocess.Cli.Commands;

/// <summary>How <c>subproc parallel</c> shows the jobs and their output.</summary>
/// <param name="Tag">Each output line prefixed with the job's inputs and a tab (<c>--tag</c>).</param>
/// <param name="TagString">The prefix, with replacement strings, instead of the inputs (<c>--tagstring</c>; implies a tag).</param>
/// <param name="LineBuffer">Whole lines as they come (<c>--line-buffer</c>) rather than each job's output at its end.</param>
/// <param name="Ungroup">Output as it comes, in whatever pieces (<c>-u</c>): fastest, but jobs' lines may mix.</param>
/// <param name="Verbose">Each job's command on stderr as it starts (<c>-t</c>, <c>--verbose</c>).</param>
internal sealed record OutputChoices(bool Tag, string? TagString, bool LineBuffer, bool Ungroup, bool Verbose)
{
    /// <summary>Whether the output goes out while the job runs (nothing is kept for its end).</summary>
    public bool Streamed => LineBuffer || Ungroup;
}

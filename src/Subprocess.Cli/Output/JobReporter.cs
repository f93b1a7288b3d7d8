
namespace Subprocess.Cli.Output;

/// <summary>
/// Writes each finished job's spooled output whole, so jobs never interleave: stdout to stdout,
/// stderr to stderr, each line prefixed with the job's inputs and a tab under <c>--tag</c>.
/// </summary>
internal sealed class JobReporter(Stream stdout, Stream stderr)
{
    /// <summary>Writes <paramref name="job"/>'s output, each line after <paramref name="prefix"/> if there is one.</summary>
    public async Task WriteAsync(JobResult job, byte[]? prefix)
    {
        await using (Stream output = job.OpenStdout())
        {
            await CopyAsync(output, stdout, prefix);
        }
        await using (Stream errors = job.OpenStderr())
        {
            await CopyAsync(errors, stderr, prefix);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each line after <paramref name="tag"/> if there is one.</summary>
    public static async Task CopyAsync(Stream from, Stream to, byte[]? tag)
    {
        if (tag is null)
        {
            await from.CopyToAsync(to);
            await to.FlushAsync();
            return;
        }
        await TaggedCopy.CopyAsync(from, to, tag);
    }
}

using System.Text;

namespace Subprocess.Cli.Output;

/// <summary>
/// Writes each finished job's spooled output whole, so jobs never interleave: stdout to stdout,
/// stderr to stderr, each line prefixed with the job's inputs and a tab under <c>--tag</c>.
/// </summary>
internal sealed class JobReporter(Stream stdout, Stream stderr, bool tag)
{
    public async Task WriteAsync(JobResult job, IReadOnlyList<string> inputs)
    {
        string? prefix = tag ? string.Join(' ', inputs) + "\t" : null;
        await using (Stream output = job.OpenStdout())
        {
            await CopyAsync(output, stdout, prefix);
        }
        await using (Stream errors = job.OpenStderr())
        {
            await CopyAsync(errors, stderr, prefix);
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, string? prefix)
    {
        if (prefix is null)
        {
            await from.CopyToAsync(to);
            await to.FlushAsync();
            return;
        }
        using var reader = new StreamReader(from, Encoding.UTF8);
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is string line)
        {
            text.Append(prefix).Append(line).Append('\n');
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        await to.WriteAsync(bytes);
        await to.FlushAsync();
    }
}

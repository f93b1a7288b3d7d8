using Subprocess.Cli.Inputs;

namespace Subprocess.Cli.Output;

/// <summary>
/// Where <c>--results</c> or <c>--files</c> keep each job's output, instead of it being printed as
/// GNU parallel's grouped output is: files per job (<see cref="ResultFiles"/>) or one table
/// (<see cref="ResultTable"/>).
/// </summary>
internal interface IJobResults : IAsyncDisposable
{
    /// <summary>Keeps <paramref name="job"/>'s output; <paramref name="tag"/> is what <c>--tag</c> or
    /// <c>--tagstring</c> puts before each line it prints, if anything; <paramref name="command"/> is the
    /// job's command line as GNU parallel shows it.</summary>
    /// <exception cref="UsageException">A file could not be written.</exception>
    Task WriteAsync(JobResult job, JobInput input, byte[]? tag, string command);
}

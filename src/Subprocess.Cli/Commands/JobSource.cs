using Subprocess.Cli.Inputs;

namespace Subprocess.Cli.Commands;

/// <summary>How a run's jobs are run, each built by <paramref name="build"/>: the library's
/// <see cref="JobRunner.RunAsync{T}(IEnumerable{T}, Func{T, JobContext, Pipeline}, JobOptions, CancellationToken)"/>
/// over the inputs, or <see cref="JobRunner.RunBlocksAsync"/> over <c>--pipe</c>'s blocks.</summary>
internal delegate IAsyncEnumerable<JobResult> JobSource(Func<JobInput, JobContext, Pipeline> build, CancellationToken cancellationToken);

using System.Collections.Concurrent;
using System.Text;
using Subprocess.Cli.Inputs;
using Subprocess.Cli.Output;
using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Commands;

/// <summary>
/// One run of <c>subproc parallel</c>: builds each job from the template, runs them through the
/// library's <see cref="JobRunner"/>, and reports each as it finishes (its output, grouped or already
/// streamed line by line; a start failure; its job-log line; progress), counting what ran and failed.
/// </summary>
internal sealed class ParallelRun(JobTemplate template, IReadOnlyList<JobInput> inputs, JobOptions options, bool tag, bool lineBuffer, JobLog? log)
{
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Stream _stderr = Console.OpenStandardError();
    private readonly ConcurrentDictionary<long, List<LineStream>> _streaming = new();
    private LineWriter? _lineWriter;
    private JobReporter? _reporter;

    /// <summary>How many jobs finished.</summary>
    public int Finished { get; private set; }

    /// <summary>How many of them failed.</summary>
    public int Failed { get; private set; }

    /// <summary>Runs every job, calling <paramref name="finished"/> with each one's success; a cancellation
    /// ends the running jobs' trees and starts no more, and returns quietly once they are reported.</summary>
    public async Task RunAsync(Action<bool> finished, CancellationToken cancellationToken)
    {
        _lineWriter = lineBuffer ? new LineWriter([_stdout, _stderr], Path.GetTempPath()) : null;
        try
        {
            await foreach (JobResult job in JobRunner.RunAsync(inputs, Build, options, cancellationToken))
            {
                using (job)
                {
                    await ReportAsync(job);
                    finished(job.Success);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: the jobs that ran have been reported; the summary says what did not start.
        }
        finally
        {
            if (_lineWriter is not null)
            {
                // However the run ended (all done, Ctrl-C, a halt), every line queued is written
                // before the summary, even if that means waiting for a stdout that blocks.
                await _lineWriter.DrainAsync();
            }
        }
    }

    private Pipeline Build(JobInput input, JobContext context)
    {
        context = context with { Number = input.Number };
        if (!lineBuffer)
        {
            return template.Build(input.Values, context);
        }
        byte[]? prefix = tag ? TaggedCopy.Tag(input.Values) : null;
        var lines = new List<LineStream> { new(_lineWriter!, _stdout, prefix) };
        _streaming[input.Number] = lines;
        return template.Build(input.Values, context, Stdio.Stream(lines[0]), () =>
        {
            // One per stage: stages write at once, and each must complete its own lines.
            var errors = new LineStream(_lineWriter!, _stderr, prefix);
            lines.Add(errors);
            return Stdio.Stream(errors);
        });
    }

    private async Task ReportAsync(JobResult job)
    {
        JobInput input = inputs[(int)job.Context.Number - 1];
        if (_streaming.TryRemove(input.Number, out List<LineStream>? lines))
        {
            lines.ForEach(stream => stream.Complete());
        }
        Finished++;
        Failed += job.Success ? 0 : 1;
        if (!lineBuffer)
        {
            // Under --line-buffer nothing was captured: the lines went out as they came.
            _reporter ??= new JobReporter(_stdout, _stderr, tag);
            await _reporter.WriteAsync(job, input.Values);
        }
        if (job.Error is ProcessStartException start)
        {
            string line = $"subproc: job {input.Number}: {start.Message}\n";
            if (_lineWriter is null)
            {
                await Console.Error.WriteAsync(line);
            }
            else
            {
                // Behind the jobs' stderr lines already queued, not in the middle of one.
                _lineWriter.Write(_stderr, Encoding.UTF8.GetBytes(line));
            }
        }
        if (log is not null)
        {
            await log.WriteAsync(job, input.Number);
        }
    }
}

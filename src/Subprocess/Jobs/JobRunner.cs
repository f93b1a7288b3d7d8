using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Subprocess;

/// <summary>
/// Runs many commands with bounded parallelism (GNU parallel's model), yielding each job's result as
/// it finishes, or in input order. The engine under <c>subproc parallel</c>.
/// </summary>
/// <example><code>
/// var files = Directory.GetFiles(".", "*.log");
/// await foreach (JobResult job in JobRunner.RunAsync(files, (file, _) => Pipeline.Create(Command.Create("gzip", "-k", file)), new JobOptions()))
/// {
///     using (job) Console.WriteLine($"{job.CommandLine}: {job.ExitStatus}");
/// }
/// </code></example>
public static class JobRunner
{
    /// <summary>
    /// Builds one job per input with <paramref name="toJob"/> (which gets the job's number and slot)
    /// and runs them, at most <see cref="JobOptions.MaxParallel"/> at a time. Each job's stdout and
    /// stderr (where left inherited) are spooled to files. Cancelling ends the running jobs' trees and
    /// stops starting new ones.
    /// </summary>
    public static async IAsyncEnumerable<JobResult> RunAsync<T>(IEnumerable<T> inputs, Func<T, JobContext, Pipeline> toJob,
        JobOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(toJob);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxParallel);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Retries);

        var finished = Channel.CreateUnbounded<JobResult>(new UnboundedChannelOptions { SingleReader = true });
        Task producer = StartAllAsync(inputs, toJob, options, finished.Writer, cancellationToken);

        long next = 1;
        var waiting = new SortedDictionary<long, JobResult>();
        await foreach (JobResult result in finished.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!options.KeepOrder)
            {
                yield return result;
                continue;
            }
            waiting[result.Context.Number] = result;
            while (waiting.Remove(next, out JobResult? ready))
            {
                next++;
                yield return ready;
            }
        }
        await producer.ConfigureAwait(false);
    }

    private static async Task StartAllAsync<T>(IEnumerable<T> inputs, Func<T, JobContext, Pipeline> toJob, JobOptions options,
        ChannelWriter<JobResult> finished, CancellationToken cancellationToken)
    {
        int limit = options.MaxParallel == 0 ? int.MaxValue : options.MaxParallel;
        using var free = new SemaphoreSlim(limit, limit);
        var slots = new Stack<int>();
        int slotsMade = 0;
        var running = new List<Task>();
        long number = 0;
        Exception? failure = null;
        try
        {
            foreach (T input in inputs)
            {
                await free.WaitAsync(cancellationToken).ConfigureAwait(false);
                int slot;
                lock (slots)
                {
                    slot = slots.Count > 0 ? slots.Pop() : ++slotsMade;
                }
                var context = new JobContext(++number, slot);
                Pipeline job = toJob(input, context);
                running.Add(RunAndReleaseAsync(job, context, slot));
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException e)
        {
            failure = e;
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
            finished.TryComplete(failure);
        }

        async Task RunAndReleaseAsync(Pipeline job, JobContext context, int slot)
        {
            JobResult result = await RunOneAsync(job, context, options, cancellationToken).ConfigureAwait(false);
            lock (slots)
            {
                slots.Push(slot);
            }
            free.Release();
            finished.TryWrite(result);
        }
    }

    private static async Task<JobResult> RunOneAsync(Pipeline job, JobContext context, JobOptions options, CancellationToken cancellationToken)
    {
        string spool = options.SpoolDirectory ?? Path.GetTempPath();
        string stdout = Path.Combine(spool, $"subproc-{Environment.ProcessId}-{context.Number}.out");
        string stderr = Path.Combine(spool, $"subproc-{Environment.ProcessId}-{context.Number}.err");
        Pipeline spooled = Spooled(job, stdout, stderr).WithCheck(false);
        if (options.Timeout is TimeSpan timeout)
        {
            spooled = spooled.WithTimeout(timeout);
        }
        var result = new JobResult(context, job.ToString(), stdout, stderr);
        do
        {
            File.WriteAllBytes(stdout, []);
            File.WriteAllBytes(stderr, []);
            result.Attempts++;
            result.StartTime = DateTimeOffset.UtcNow;
            result.Error = null;
            try
            {
                result.ExitStatus = (await spooled.RunAsync(cancellationToken).ConfigureAwait(false)).ExitStatus;
            }
            catch (ProcessTimeoutException e)
            {
                (result.Error, result.ExitStatus) = (e, e.ExitStatus);
            }
            catch (ProcessStartException e)
            {
                (result.Error, result.ExitStatus) = (e, null);
            }
            catch (OperationCanceledException)
            {
                result.ExitStatus = null;
                result.Error = null;
                result.Duration = DateTimeOffset.UtcNow - result.StartTime;
                return result;
            }
            result.Duration = DateTimeOffset.UtcNow - result.StartTime;
        }
        while (!result.Success && result.Attempts <= options.Retries && !cancellationToken.IsCancellationRequested);
        return result;
    }

    /// <summary>The job with its inherited stdout (last stage) and stderr (every stage) sent to spool files.</summary>
    private static Pipeline Spooled(Pipeline job, string stdout, string stderr)
    {
        int last = job.Commands.Count - 1;
        int index = 0;
        return job.WithCommands(command =>
        {
            CommandSpec spec = command.Spec;
            bool isLast = index++ == last;
            return command.WithSpec(s => s with
            {
                Stdout = isLast && spec.Stdout.Kind == StdioKind.Inherit ? Stdio.File(stdout, append: true) : spec.Stdout,
                Stderr = spec.Stderr.Kind == StdioKind.Inherit ? Stdio.File(stderr, append: true) : spec.Stderr,
            });
        });
    }
}

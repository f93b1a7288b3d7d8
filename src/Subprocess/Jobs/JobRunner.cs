using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Subprocess.Running;
using Subprocess.Waiting;

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
    /// stderr (where left inherited) are captured through pipes, spilling to files past 1 MiB. Cancelling ends the running jobs' trees and
    /// stops starting new ones; the enumeration yields the results of the jobs that ran, then throws
    /// <see cref="OperationCanceledException"/>, also when every job had already started.
    /// With a percentage <see cref="JobOptions.Halt"/>, inputs that are not a collection are read to
    /// the end before the first job starts, to know the total the percentage is of.
    /// A job on a remote host (<see cref="Command.OnHost"/>) that cannot reach it or loses it
    /// (<see cref="SshConnectionException"/>) is built again, with the same context, and run again, not
    /// counting as a retry (up to ten times): a builder that picks among hosts moves it to another.
    /// </summary>
    public static IAsyncEnumerable<JobResult> RunAsync<T>(IEnumerable<T> inputs, Func<T, JobContext, Pipeline> toJob,
        JobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Validate(toJob, options);
        return RunAllAsync(Enumerate(inputs), inputs.TryGetNonEnumeratedCount(out int count) ? count : null, toJob, ended: null, options, cancellationToken);
    }

    /// <summary>
    /// <see cref="RunAsync{T}(IEnumerable{T}, Func{T, JobContext, Pipeline}, JobOptions, CancellationToken)"/> for
    /// jobs of one command each, the common case.
    /// </summary>
    /// <example><code>
    /// await foreach (JobResult job in JobRunner.RunAsync(Directory.GetFiles(".", "*.log"), (file, _) => Command.Create("gzip", "-k", file), new JobOptions()))
    /// {
    ///     using (job) Console.WriteLine($"{job.CommandLine}: {job.ExitStatus}");
    /// }
    /// </code></example>
    public static IAsyncEnumerable<JobResult> RunAsync<T>(IEnumerable<T> inputs, Func<T, JobContext, Command> toJob,
        JobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toJob);
        return RunAsync(inputs, (input, context) => Pipeline.Create(toJob(input, context)), options, cancellationToken);
    }

    /// <summary>
    /// Cuts <paramref name="input"/> into blocks of whole records (GNU parallel's <c>--pipe</c>; see
    /// <see cref="RecordBlocks"/>) and runs a job for each, built by <paramref name="toJob"/>, which
    /// gets the block as a <see cref="Stdio"/> to give the job's first command as its stdin (each try
    /// of a retried job reads it from the start). The stream is read as jobs start, the bytes moving in
    /// large buffers, and a block is dropped when its job ends: memory holds about as many blocks as
    /// jobs run, whatever the input's size. Otherwise as <see cref="RunAsync{T}(IEnumerable{T}, Func{T, JobContext, Pipeline}, JobOptions, CancellationToken)"/>;
    /// the stream is not closed.
    /// </summary>
    /// <example><code>
    /// // Count the lines of a large file, 10 MiB of whole lines to a job.
    /// await using FileStream log = File.OpenRead("big.log");
    /// await foreach (JobResult job in JobRunner.RunBlocksAsync(log, (block, _) => Pipeline.Create(Command.Create("wc", "-l").WithStdin(block)),
    ///     new JobOptions { KeepOrder = true }, new RecordBlocks { BlockSize = 10 &lt;&lt; 20 }))
    /// {
    ///     using (job) Console.Write(new StreamReader(job.OpenStdout()).ReadToEnd());
    /// }
    /// </code></example>
    /// <param name="input">The records.</param>
    /// <param name="toJob">Builds the job for a block (its stdin) and its number and slot.</param>
    /// <param name="options">How the jobs run.</param>
    /// <param name="blocks">How the records are cut (default: lines, 1 MiB a block).</param>
    /// <param name="cancellationToken">Ends the running jobs and stops reading.</param>
    /// <exception cref="ArgumentException">Blocks that cannot be cut (see <see cref="RecordBlocks"/>), or a
    /// percentage <see cref="JobOptions.Halt"/>, which needs the number of jobs: blocks read as jobs start
    /// are not counted before the stream ends.</exception>
    public static IAsyncEnumerable<JobResult> RunBlocksAsync(Stream input, Func<Stdio, JobContext, Pipeline> toJob, JobOptions options,
        RecordBlocks? blocks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        Validate(toJob, options);
        if (options.Halt?.Percent is not null)
        {
            throw new ArgumentException("A percentage halt is of all the jobs, and blocks read as jobs start are not counted before the stream ends; halt on a count instead.", nameof(options));
        }
        blocks ??= new RecordBlocks();
        blocks.Validate();
        return RunBlocksCoreAsync(input, toJob, options, blocks, cancellationToken);
    }

    private static async IAsyncEnumerable<JobResult> RunBlocksCoreAsync(Stream input, Func<Stdio, JobContext, Pipeline> toJob, JobOptions options,
        RecordBlocks blocks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // As many blocks out as jobs run, and two read ahead (with no limit on jobs, two per core).
        int slots = options.MaxParallel == 0 ? 2 * Environment.ProcessorCount : options.MaxParallel;
        // Disposed only once every job has ended: RunAllAsync waits for them however its enumeration ends.
        using var reader = new BlockReader(input, blocks, held: slots + 2);
        await foreach (JobResult result in RunAllAsync(reader.ReadAsync(cancellationToken), total: null,
            (ArraySegment<byte> block, JobContext context) => toJob(Stdio.Bytes(block), context), reader.Release, options, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    private static void Validate(Delegate toJob, JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(toJob);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxParallel);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Retries);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StartDelay, TimeSpan.Zero);
    }

    /// <summary>The inputs as an async sequence, read on the producer's thread (they may block: stdin's lines).</summary>
    private static async IAsyncEnumerable<T> Enumerate<T>(IEnumerable<T> inputs)
    {
        foreach (T input in inputs)
        {
            yield return input;
        }
        await Task.CompletedTask.ConfigureAwait(false); // an async iterator must await something; the reading is synchronous
    }

    /// <param name="inputs">The jobs' inputs.</param>
    /// <param name="total">How many there are, if known.</param>
    /// <param name="toJob">Builds each job.</param>
    /// <param name="ended">Told of each input whose job is over (every try), before its result is out.</param>
    /// <param name="options">How the jobs run.</param>
    /// <param name="cancellationToken">The caller's.</param>
    private static async IAsyncEnumerable<JobResult> RunAllAsync<T>(IAsyncEnumerable<T> inputs, long? total, Func<T, JobContext, Pipeline> toJob,
        Action<T>? ended, JobOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var finished = Channel.CreateUnbounded<JobResult>(new UnboundedChannelOptions { SingleReader = true });
        // Cancelled when the caller leaves the enumeration early (a break, or an exception in its loop):
        // then nothing more starts, the running jobs' trees are ended, and their results are disposed.
        using var left = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // On the thread pool: enumerating the inputs may block (reading stdin, or waiting for the jobs to give
        // back what they hold), and must never block the caller, who takes the results.
        Task producer = Task.Run(() => StartAllAsync(inputs, total, toJob, ended, options, finished.Writer, left.Token), CancellationToken.None);

        long next = 1;
        var waiting = new SortedDictionary<long, JobResult>();
        bool drained = false;
        try
        {
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
            drained = true;
        }
        finally
        {
            if (!drained)
            {
                await left.CancelAsync().ConfigureAwait(false);
                await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .ConfigureAwait(false);
                while (finished.Reader.TryRead(out JobResult? unread))
                {
                    unread.Dispose();
                }
            }
            foreach (JobResult unread in waiting.Values)
            {
                unread.Dispose();
            }
        }
        await producer.ConfigureAwait(false);
    }

    private static async Task StartAllAsync<T>(IAsyncEnumerable<T> inputs, long? total, Func<T, JobContext, Pipeline> toJob, Action<T>? ended,
        JobOptions options, ChannelWriter<JobResult> finished, CancellationToken cancellationToken)
    {
        int limit = options.MaxParallel == 0 ? int.MaxValue : options.MaxParallel;
        using var free = new SemaphoreSlim(limit, limit);
        // A halt "now" cancels the running jobs through this, without cancelling the caller's token.
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int failed = 0, succeeded = 0;
        bool halted = false;
        var slots = new Stack<int>();
        int slotsMade = 0;
        var running = new List<Task>();
        long number = 0;
        Exception? failure = null, broken = null;
        try
        {
            if (total is null && options.Halt?.Percent is not null)
            {
                List<T> all = [];
                await foreach (T input in inputs.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    all.Add(input);
                }
                (inputs, total) = (Enumerate(all), all.Count);
            }
            await foreach (T input in inputs.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (number > 0 && options.StartDelay > TimeSpan.Zero)
                {
                    await Task.Delay(options.StartDelay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                await free.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (options.WaitToStart is { } wait)
                {
                    try
                    {
                        await wait(halt.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (halt.IsCancellationRequested)
                    {
                        // A halt while waiting: nothing more starts (checked below); a cancellation is the caller's.
                    }
                }
                if (Volatile.Read(ref halted) || cancellationToken.IsCancellationRequested)
                {
                    free.Release();
                    break;
                }
                int slot;
                lock (slots)
                {
                    slot = slots.Count > 0 ? slots.Pop() : ++slotsMade;
                }
                var context = new JobContext(++number, slot);
                Pipeline job = toJob(input, context);
                // posix_spawn blocks its caller until the child has exec'd: spawning from the
                // thread pool lets jobs start side by side instead of one after another here.
                running.Add(Task.Run(() => RunAndReleaseAsync(input, job, context, slot), CancellationToken.None));
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
            // Cancelled after the last input started, the loop above ended normally; the caller
            // must still learn that the run was cut short, not see a complete one.
            if (failure is null && cancellationToken.IsCancellationRequested)
            {
                failure = new OperationCanceledException(cancellationToken);
            }
            finished.TryComplete(Volatile.Read(ref broken) ?? failure);
        }

        async Task RunAndReleaseAsync(T input, Pipeline job, JobContext context, int slot)
        {
            JobResult result;
            try
            {
                result = await RunOneAsync(job, () => toJob(input, context), context, options, halt.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Something no job result can carry (a stream of the caller's that refused a job's
                // output, say): the run stops, its running jobs are ended, and the enumeration throws
                // it, rather than hang on a slot that is never given back.
                Interlocked.CompareExchange(ref broken, e, null);
                Volatile.Write(ref halted, true);
                await halt.CancelAsync().ConfigureAwait(false);
                free.Release();
                return;
            }
            finally
            {
                ended?.Invoke(input);
            }
            bool haltNow = false;
            lock (slots)
            {
                slots.Push(slot);
                _ = result.Success ? ++succeeded : ++failed;
                if (options.Halt is HaltPolicy policy && !halted && policy.IsReached(failed, succeeded, total))
                {
                    halted = true;
                    haltNow = policy.When == HaltWhen.Now;
                }
            }
            // The job that reached the halt comes before the jobs the halt ends, which cancelling reports at once.
            finished.TryWrite(result);
            if (haltNow)
            {
                await halt.CancelAsync().ConfigureAwait(false);
            }
            free.Release();
        }
    }

    /// <summary>How many times a job whose host's connection failed is built again and run again, not
    /// counting as a retry: a builder that picks among hosts moves it to another; one that always names
    /// the same host stops after these.</summary>
    private const int ConnectionRetries = 10;

    private static async Task<JobResult> RunOneAsync(Pipeline job, Func<Pipeline> rebuild, JobContext context, JobOptions options, CancellationToken cancellationToken)
    {
        int reconnects = 0;
        TimeProvider time = options.TimeProvider;
        Waiter waiter = Waiter.AwaitingOn(time);
        string spool = Path.Combine(options.SpoolDirectory ?? Path.GetTempPath(), $"subproc-{Environment.ProcessId}-{context.Number}");
        StartRequest request = WithJobSettings(job.Request, options);
        var result = new JobResult(context, request.Settings.Display);
        do
        {
            result.Attempts++;
            result.Error = null;
            result.ExitStatus = null;
            result.Output = null;
            result.StartTime = time.GetUtcNow();
            long started = time.GetTimestamp();
            try
            {
                JobOutcome outcome = await RunToEnd.CollectAsync(request, waiter, spool, cancellationToken).ConfigureAwait(false);
                (result.Output, result.ExitStatus) = (outcome.Collected, outcome.Verdict);
                if (outcome.TimedOut)
                {
                    // The output is the result's own (OpenStdout), not copied into the exception.
                    result.Error = new ProcessTimeoutException(result.CommandLine, options.Timeout!.Value, [], [], outcome.Verdict);
                }
            }
            catch (Exception e) when (e is ProcessStartException or OutputLimitException or SshConnectionException)
            {
                // It could not start, or its output passed the pipeline's limit (its tree has been ended).
                result.Error = (SubprocessException)e;
            }
            result.Duration = time.GetElapsedTime(started);
            if (result.Error is SshConnectionException && reconnects < ConnectionRetries && !cancellationToken.IsCancellationRequested)
            {
                reconnects++;
                result.Attempts--;
                try
                {
                    request = WithJobSettings(rebuild().Request, options);
                }
                catch (SshConnectionException e)
                {
                    result.Error = e; // no host left to move it to
                    break;
                }
                continue;
            }
        }
        while (!result.Success && result.Attempts <= options.Retries && !cancellationToken.IsCancellationRequested);
        return result;
    }

    /// <summary>A job's request as the runner starts it: the runner's timeout, and a process group of its own.</summary>
    private static StartRequest WithJobSettings(StartRequest request, JobOptions options) =>
        request with { Settings = request.Settings with { Timeout = options.Timeout }, Group = GroupNeed.Always };
}

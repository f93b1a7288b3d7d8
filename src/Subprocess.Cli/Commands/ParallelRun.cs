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
/// <param name="template">The command each job runs.</param>
/// <param name="jobs">Runs the jobs: over the inputs, or over <c>--pipe</c>'s blocks, read as the jobs start.</param>
/// <param name="total">How many there are, if known.</param>
/// <param name="options">How the jobs run.</param>
/// <param name="output">How they are shown.</param>
/// <param name="log">The job log, if any.</param>
/// <param name="kept">Where <c>--results</c> or <c>--files</c> keep each job's output instead of it being printed, if anywhere.</param>
/// <param name="logins">The hosts the jobs run on (<c>-S</c>), if not this machine alone.</param>
/// <param name="files">What jobs on other hosts take there and bring back (<c>--transferfile</c>, <c>--return</c>...).</param>
internal sealed class ParallelRun(JobTemplate template, JobSource jobs, long? total, JobOptions options, OutputChoices output, JobLog? log,
    IJobResults? kept = null, Remote.Sshlogins? logins = null, Remote.RemoteFiles? files = null)
{
    /// <summary>Under -S, where each job started and not yet reported runs: its host's job-log name and its
    /// remote part (null on this machine), by the runner's number.</summary>
    private readonly ConcurrentDictionary<long, (string Host, Remote.RemoteJob? Remote)> _placed = new();

    /// <summary>The inputs of the jobs started and not yet reported, by number.</summary>
    private readonly ConcurrentDictionary<long, JobInput> _running = new();

    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Stream _stderr = Console.OpenStandardError();
    private readonly ConcurrentDictionary<long, List<LineStream>> _streaming = new();
    private LineWriter? _lineWriter;
    private JobReporter? _reporter;

    /// <summary>How many jobs finished.</summary>
    public int Finished { get; private set; }

    /// <summary>How many of them failed.</summary>
    public int Failed { get; private set; }

    /// <summary>The job whose end reached the <c>--halt</c> condition, once one has.</summary>
    public JobResult? HaltedBy { get; private set; }

    /// <summary>How many jobs have been started (retries aside).</summary>
    private int _started;

    /// <summary>How many jobs are running: started, and not yet reported.</summary>
    public int Running => Volatile.Read(ref _started) - Finished;

    /// <summary>The exit status GNU parallel gives a job in its own exit code: the job's code, 128 plus
    /// a signal's number, 255 for a job ended by <c>--timeout</c> (GNU's -1), 127 for a program not found.</summary>
    public static int ExitCodeOf(JobResult job) => job.Error switch
    {
        ProcessTimeoutException => 255,
        ProcessStartException => 127,
        _ => job.ExitStatus is ExitStatus status ? ShellStatus.Of(status) : 255,
    };

    /// <summary>Runs every job, calling <paramref name="finished"/> with each one's success; a cancellation
    /// ends the running jobs' trees and starts no more, and returns quietly once they are reported.</summary>
    public async Task RunAsync(Action<bool> finished, CancellationToken cancellationToken)
    {
        _lineWriter = output.LineBuffer ? new LineWriter([_stdout, _stderr], Path.GetTempPath()) : null;
        try
        {
            await foreach (JobResult job in jobs(Build, cancellationToken))
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
        // By the runner's number, which the result carries: under --resume it is not the input's. A job built
        // again (its host went down) is not started twice.
        bool first = _running.TryAdd(context.Number, input);
        if (first)
        {
            Interlocked.Increment(ref _started);
        }
        // Built again (same context) when its host went down: the host is chosen anew each time.
        Remote.RemoteJob? remote = null;
        if (logins is not null)
        {
            (SshHost? host, string name) = logins.For(context);
            remote = host is null ? null
                : (files ?? Remote.RemoteFiles.None).For(host, name, input.Values, context with { Number = input.Number }, template.Replacements);
            _placed[context.Number] = (name, remote);
        }
        return Compose(input, context with { Number = input.Number }, context.Number, input.Stdin, remote, shown: !first);
    }

    /// <summary>The job's command as the template and the output choices make it, reading <paramref name="stdin"/> if given.</summary>
    /// <param name="input">Its inputs.</param>
    /// <param name="context">Its number (the input's) and slot.</param>
    /// <param name="order">Its number in the runner's order, the order of the results under <c>-k</c>.</param>
    /// <param name="stdin">What it reads, or null.</param>
    /// <param name="remote">The host it runs on and its files there, or null for this machine.</param>
    /// <param name="shown">Whether -v showed it already (it is built again for another host).</param>
    private Pipeline Compose(JobInput input, JobContext context, long order, Stdio? stdin, Remote.RemoteJob? remote, bool shown = false)
    {
        // As GNU parallel without --tty: a job reads nothing but its --pipe block (this process's stdin may be
        // where the inputs came from; and ssh would read it on a remote job's behalf even when nothing there does).
        stdin ??= Stdio.Null;
        if (output.Verbose && !shown)
        {
            // As GNU parallel's -t: the job on stderr as it starts, before anything it writes.
            Notice($"{template.Describe(input.Values, context, input.Arguments)}\n");
        }
        if (output.Ungroup)
        {
            return template.Build(input.Values, context, Stdio.Stream(_stdout), () => Stdio.Stream(_stderr), input.Arguments, stdin, remote);
        }
        if (!output.LineBuffer)
        {
            return template.Build(input.Values, context, arguments: input.Arguments, stdin: stdin, remote: remote);
        }
        byte[]? prefix = Prefix(input, context);
        // Under -k, held until every job before it is done (ReportAsync lets them out), as GNU parallel's --line-buffer -k.
        var lines = new List<LineStream> { new(_lineWriter!, _stdout, prefix, held: options.KeepOrder) };
        Pipeline job = template.Build(input.Values, context, Stdio.Stream(lines[0]), () =>
        {
            // One per stage: stages write at once, and each must complete its own lines.
            var errors = new LineStream(_lineWriter!, _stderr, prefix, held: options.KeepOrder);
            lines.Add(errors);
            return Stdio.Stream(errors);
        }, input.Arguments, stdin, remote);
        _streaming[order] = lines;
        lock (_streaming)
        {
            if (order == _live)
            {
                lines.ForEach(stream => stream.Release());
            }
        }
        return job;
    }

    /// <summary>Under <c>-k</c> and <c>--line-buffer</c>: the runner's number of the job whose lines go out as
    /// they come (the next to be reported); later jobs' lines are held until it is done.</summary>
    private long _live = 1;

    /// <summary>
    /// What GNU parallel says on stderr about a job: that a job ran past <c>--timeout</c>, and, under
    /// <c>--halt</c>, each job that failed (or succeeded, for a halt on success) and, once a <c>soon</c>
    /// halt is reached, how many running jobs it waits for. Jobs a <c>now</c> halt ended are not named.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="shown">The job as <c>--dry-run</c> shows it, as GNU parallel names jobs (made only when named).</param>
    /// <param name="endedByHalt">Whether a <c>now</c> halt ended it.</param>
    private void NoticeHaltAndTimeout(JobResult job, Func<string> shown, bool endedByHalt)
    {
        if (endedByHalt)
        {
            return;
        }
        if (job.Error is ProcessTimeoutException)
        {
            Notice($"subproc: Warning: This job was killed because it timed out:\nsubproc: Warning: {shown()}\n");
        }
        if (options.Halt is { } halt && job.Success == halt.OnSuccess)
        {
            Notice($"subproc: This job {(job.Success ? "succeeded" : "failed")}:\n{shown()}\n");
        }
        if (HaltedBy == job && options.Halt?.When == HaltWhen.Soon && Running > 0)
        {
            Notice($"subproc: Starting no more jobs. Waiting for {Running} jobs to finish.\n");
        }
    }

    /// <summary>A line of ours on stderr: behind the jobs' stderr lines already queued under
    /// <c>--line-buffer</c>, not in the middle of one. (Console.Error writes synchronously whatever the
    /// call, so one form serves the jobs being built and those being reported.)</summary>
    private void Notice(string text)
    {
        if (_lineWriter is null)
        {
            Console.Error.Write(text);
        }
        else
        {
            _lineWriter.Write(_stderr, Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>What goes before each of a job's lines: its inputs and a tab (<c>--tag</c>), the tag
    /// string filled in and a tab (<c>--tagstring</c>), or nothing.</summary>
    private byte[]? Prefix(JobInput input, JobContext context) => output.TagString is string tag
        ? Encoding.UTF8.GetBytes(template.Replacements.Apply(tag, input.Values, context with { Number = input.Number }) + "\t")
        : output.Tag ? TaggedCopy.Tag(input.Values) : null;

    private async Task ReportAsync(JobResult job)
    {
        _running.TryRemove(job.Context.Number, out JobInput? input);
        input ??= new JobInput(job.Context.Number, []);
        (string host, Remote.RemoteJob? remote) = _placed.TryRemove(job.Context.Number, out var placed) ? placed : (":", null);
        if (remote is not null)
        {
            // --return and --cleanup: before the job is reported, so its files are here when it is.
            await remote.FinishAsync();
        }
        if (_streaming.TryRemove(job.Context.Number, out List<LineStream>? lines))
        {
            lines.ForEach(stream =>
            {
                stream.Release();
                stream.Complete();
            });
        }
        if (output.LineBuffer && options.KeepOrder)
        {
            // Results come in order under -k: the next job's lines may now go out, those held first.
            lock (_streaming)
            {
                _live = job.Context.Number + 1;
                if (_streaming.TryGetValue(_live, out List<LineStream>? next))
                {
                    next.ForEach(stream => stream.Release());
                }
            }
        }
        Finished++;
        Failed += job.Success ? 0 : 1;
        bool haltedBefore = HaltedBy is not null;
        if (!haltedBefore && options.Halt is { } halt && halt.IsReached(Failed, Finished - Failed, total))
        {
            HaltedBy = job;
        }
        string Shown() => template.Describe(input.Values, job.Context with { Number = input.Number }, input.Arguments);
        if (kept is not null)
        {
            await kept.WriteAsync(job, input, Prefix(input, job.Context), Shown());
        }
        else if (!output.Streamed)
        {
            // Under --line-buffer and -u nothing was captured: the output went out as it came.
            _reporter ??= new JobReporter(_stdout, _stderr);
            await _reporter.WriteAsync(job, Prefix(input, job.Context));
        }
        if (job.Error is ProcessStartException or SshConnectionException)
        {
            Notice($"subproc: job {input.Number}: {job.Error.Message}\n");
        }
        NoticeHaltAndTimeout(job, Shown, endedByHalt: haltedBefore && options.Halt?.When == HaltWhen.Now);
        if (log is not null)
        {
            await log.WriteAsync(job, input.Number, Shown(), host);
        }
    }
}

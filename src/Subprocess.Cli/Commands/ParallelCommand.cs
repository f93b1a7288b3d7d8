using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Subprocess.Cli.Inputs;
using Subprocess.Cli.Output;
using Subprocess.Cli.Remote;
using Subprocess.Cli.Progress;
using Subprocess.Cli.Templates;
using static Subprocess.Cli.Commands.ParallelCommandOptions;

namespace Subprocess.Cli.Commands;

/// <summary><c>subproc parallel</c>: GNU parallel's model on the library's <see cref="JobRunner"/>.</summary>
internal static class ParallelCommand
{
    public static CliCommand Build()
    {
        var command = new CliCommand("parallel", "Run a command for every input, many at once (GNU parallel's model)");
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
        command.Arguments.Add(Words);
        command.SetAction((result, cancellation) => Usage.Guard(() => RunAsync(result, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellation)
    {
        RefuseMixes(parsed);
        JobOptions options = ReadOptions(parsed);
        // -S: the jobs run on these hosts, as many at once as their slots add up to.
        using Sshlogins? logins = Sshlogins.Open(parsed.GetValue(SshLogin) ?? [], parsed.GetValue(SshLoginFile) ?? [], parsed.GetValue(Ssh), parsed.GetValue(Jobs),
            parsed.GetValue(BaseFile) ?? [], RemoteFilesOf(parsed).Cleanup);
        options = logins is null ? options : options with { MaxParallel = logins.Slots };
        if (parsed.GetValue(Pipe) || parsed.GetValue(PipePart))
        {
            return await RunPipedAsync(parsed, options, logins, cancellation);
        }
        var inputOptions = InputOptions.Of(parsed.GetValue(ArgFiles) ?? [], parsed.GetValue(Delimiter), parsed.GetValue(Null), parsed.GetValue(Link), parsed.GetValue(Trim))
            with { Columns = Columns(parsed.GetValue(ColumnSeparator)), Header = parsed.GetValue(Header) is not null };
        inputOptions = Separators(parsed, inputOptions);
        RefusePerl(parsed.GetValue(Words) ?? []);
        (IReadOnlyList<string> templateWords, InputSources sources) = InputSources.Split(parsed.GetValue(Words) ?? [], () => Console.In, inputOptions);
        (int? perJob, bool repeatWords, bool fill) = Packing(parsed);
        Replacements replacements = ReplacementsOf(parsed, options, missingIsEmpty: inputOptions.Columns is not null);
        IReadOnlyList<string> named = Named(templateWords, sources.Names);
        JobTemplate template = JobTemplate.Parse(named, RunsInShell(parsed, logins), repeatWords, replacements, literal: parsed.GetValue(Quote)) with { Niceness = parsed.GetValue(Nice) };
        string? logPath = parsed.GetValue(JobLogFile);
        bool resume = parsed.GetValue(Resume), resumeFailed = parsed.GetValue(ResumeFailed);
        await using IJobResults? kept = KeptOutput(parsed, sources.Names, replacements);
        ResultFiles? resultFiles = kept as ResultFiles;
        if ((resume && logPath is null && resultFiles is null) || (resumeFailed && logPath is null))
        {
            throw new UsageException(resumeFailed
                ? "--resume-failed needs --joblog FILE to know which jobs failed"
                : "--resume needs --joblog FILE or --results DIR to know what already ran");
        }
        // Job numbers stay those of the full input list, so a resumed run's {#} and log match the first run's.
        IReadOnlyDictionary<long, bool> done = (resume || resumeFailed) && logPath is not null ? JobLog.Finished(logPath) : new Dictionary<long, bool>();
        // As GNU parallel: under --resume, a job whose --results files are there ran already.
        bool ran(JobInput input) => resume && parsed.GetValue(Results) is not null && resultFiles?.HasRun(input) == true;
        IEnumerable<IReadOnlyList<string>> combinations = sources.Combinations();
        if (parsed.GetValue(NoRunIfEmpty))
        {
            // Not jobs at all, as xargs -r has it: the numbers go on from the last input that is one.
            combinations = combinations.Where(values => !values.All(string.IsNullOrWhiteSpace));
        }
        if (parsed.GetValue(Shuffle))
        {
            // Numbered as they run, as GNU parallel numbers them.
            IReadOnlyList<string>[] all = [.. combinations];
            Random.Shared.Shuffle(all);
            combinations = all;
        }
        // On other hosts the whole job is one argument of ssh here and of sh there, its inputs quoted: Linux
        // takes at most 128 KiB in one argument, and quoting can make a value five times longer.
        const int RemoteLineBytes = 24 * 1024;
        int lineBytes = logins?.AnyRemote == true ? RemoteLineBytes : ArgumentBatches.DefaultMaxBytes;
        // --xargs fills each command line, where -m and -X spread the inputs over the job slots.
        int spreadOver = parsed.GetValue(XargsFill) ? 0 : options.MaxParallel;
        IEnumerable<JobInput> jobs = fill
            ? sources.Single is { } single && !parsed.GetValue(Shuffle) && !parsed.GetValue(NoRunIfEmpty) ? ArgumentPacking.ByLength(single, spreadOver, lineBytes)
                : ArgumentPacking.ByLength([.. combinations], spreadOver, lineBytes)
            : perJob is int count ? ArgumentPacking.ByCount(combinations, count)
            : combinations.Select((values, index) => new JobInput(index + 1, values));
        List<JobInput> inputs = [.. jobs];
        // {##} and {0#} count every job there is; a resumed run, {uniq} and {choose_k} then skip some, keeping their numbers.
        replacements.Total = inputs.Count;
        inputs.RemoveAll(input => done.TryGetValue(input.Number, out bool succeeded) && (!resumeFailed || succeeded) || ran(input));
        // GNU parallel counts a skipped job in its exit code as it counts a failed one.
        int skipped = replacements.SkipRule(named) is { } skips ? inputs.RemoveAll(input => skips(input.Values)) : 0;
        // Only a file or stdin can bring a NUL (an argument cannot hold one): the check of every job's
        // values runs when one did, not over the 100,000 values of an -X run that holds none.
        int refused = (sources.HoldsNul() ? RefuseNul(inputs) : 0) + skipped;

        if (parsed.GetValue(DryRun))
        {
            foreach (JobInput input in inputs)
            {
                Console.Out.WriteLine(template.Describe(input.Values, new JobContext(input.Number, 1), input.Arguments));
            }
            return 0;
        }

        await using JobLog? log = logPath is null ? null : new JobLog(logPath, append: resume || resumeFailed);
        return await RunJobsAsync(parsed, template, (build, cancellationToken) => JobRunner.RunAsync(inputs, build, options, cancellationToken), inputs.Count, refused,
            options, log, kept, logins, cancellation);
    }

    /// <summary><c>--pipe</c> and <c>--pipe-part</c>: stdin (or the file of <c>-a</c>) cut into blocks of
    /// records, each a job's stdin, read as the jobs start.</summary>
    private static async Task<int> RunPipedAsync(ParseResult parsed, JobOptions options, Sshlogins? logins, CancellationToken cancellation)
    {
        string[] words = parsed.GetValue(Words) ?? [];
        if (words.Any(Separators(parsed, InputOptions.Default).IsSeparator))
        {
            throw new UsageException("--pipe reads its input from stdin (or -a FILE), not from ::: or :::: sources");
        }
        string[] files = parsed.GetValue(ArgFiles) ?? [];
        if (files.Length > 1 || parsed.GetValue(PipePart) && files.Length == 0)
        {
            throw new UsageException(parsed.GetValue(PipePart) ? "--pipe-part needs the file to split, given with -a FILE" : "--pipe reads one input: stdin or one -a FILE");
        }
        int blockSize = parsed.GetValue(Block) is string size ? Sizes.Parse(size, "--block") : 1 << 20;
        string? end = parsed.GetValue(RecordEnd), start = parsed.GetValue(RecordStart);
        byte[] recordEnd = System.Text.Encoding.UTF8.GetBytes(end is null ? start is null ? "\n" : "" : InputOptions.Unescape(end));
        byte[] recordStart = System.Text.Encoding.UTF8.GetBytes(start is null ? "" : InputOptions.Unescape(start));
        if (recordEnd.Length + recordStart.Length == 0)
        {
            throw new UsageException("--recend and --recstart cannot both be empty: nothing would end a record");
        }
        int? records = parsed.GetValue(MaxArgsEach) ?? parsed.GetValue(MaxArgs) ?? parsed.GetValue(MaxLines);
        if (records < 1)
        {
            throw new UsageException($"-N {records} is not a number of records per block (at least 1)");
        }
        RefusePerl(words);
        Replacements replacements = ReplacementsOf(parsed, options, missingIsEmpty: false);
        JobTemplate template = JobTemplate.Parse(words, RunsInShell(parsed, logins), replacements: replacements, literal: parsed.GetValue(Quote)) with { Niceness = parsed.GetValue(Nice) };
        var blocks = new RecordBlocks
        {
            BlockSize = blockSize, RecordEnd = recordEnd, RecordStart = recordStart, RecordsPerBlock = records, CutPastBlockSize = parsed.GetValue(PipePart),
        };
        await using Stream input = files.Length == 1 ? OpenInput(files[0]) : Console.OpenStandardInput();
        if (parsed.GetValue(DryRun))
        {
            using var reader = new BlockReader(input, blocks, held: int.MaxValue);
            long number = 0;
            await foreach (ArraySegment<byte> _ in reader.ReadAsync(cancellation))
            {
                Console.Out.WriteLine(template.Describe([], new JobContext(++number, 1)));
            }
            return 0;
        }
        await using JobLog? log = parsed.GetValue(JobLogFile) is string logPath ? new JobLog(logPath, append: false) : null;
        await using IJobResults? kept = KeptOutput(parsed, [], replacements);
        JobSource jobs = (build, cancellationToken) => JobRunner.RunBlocksAsync(input,
            (stdin, context) => build(new JobInput(context.Number, []) { Stdin = stdin }, context), options, blocks, cancellationToken);
        return await RunJobsAsync(parsed, template, jobs, total: null, refused: 0, options, log, kept, logins, cancellation);
    }

    private static FileStream OpenInput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>Runs the jobs, reporting each, with Ctrl-C's handling; returns GNU parallel's exit code.</summary>
    private static async Task<int> RunJobsAsync(ParseResult parsed, JobTemplate template, JobSource jobs, long? total, int refused,
        JobOptions options, JobLog? log, IJobResults? kept, Sshlogins? logins, CancellationToken cancellation)
    {
        // Output kept in files is captured whole, as grouped output is, however it would have been shown.
        bool streamed = kept is null;
        var output = new OutputChoices(parsed.GetValue(Tag), parsed.GetValue(TagString), streamed && parsed.GetValue(LineBuffer), streamed && parsed.GetValue(Ungroup), parsed.GetValue(Verbose));
        var run = new ParallelRun(template, jobs, total, options, output, log, kept, logins, RemoteFilesOf(parsed));
        // First Ctrl-C: start nothing more, end the running jobs' trees (SIGTERM, grace, SIGKILL). A
        // second: SIGKILL them at once. Either way we exit when they are gone. The library's own
        // handlers are installed first, so this one runs before them and, cancelling the signal, is the
        // only one: had the library's run first, it would end the running jobs while new ones started.
        Spawning.LiveChildren.Install();
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        int interrupts = 0;
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref interrupts) == 1)
            {
                interrupted.Cancel();
            }
            else
            {
                Spawning.LiveChildren.KillAll();
            }
        });
        Func<Func<Action<bool>, Task>, Task>? progress = parsed.GetValue(Bar) || parsed.GetValue(ProgressOption)
            ? JobProgress.ForStderr(total is long all ? (int)all : 0) is { } bar ? bar.RunAsync : null
            : parsed.GetValue(Eta) ? new EtaStatus(Console.Error, total ?? 0, options.MaxParallel == 0 ? (int)(total ?? 0) : options.MaxParallel, () => run.Running).RunAsync
            : null;
        if (progress is null)
        {
            await run.RunAsync(_ => { }, interrupted.Token);
        }
        else
        {
            await progress(finished => run.RunAsync(finished, interrupted.Token));
        }
        if (logins?.DownSummary() is string down)
        {
            await Console.Error.WriteLineAsync(down);
        }
        // GNU parallel's exit codes, and, as it does, nothing on stderr when all went well.
        int failed = run.Failed + refused;
        return (options.Halt, run.HaltedBy) switch
        {
            _ when interrupted.IsCancellationRequested => 255,
            ({ OnSuccess: true }, not null) => 0,                                        // the outcome asked for, whatever the jobs it ended
            ({ OnSuccess: false, Percent: not null }, _) => failed * 100 / Math.Max(1, (int)(total ?? run.Finished) + refused), // the share that failed, reached or not
            ({ OnSuccess: false, Count: 1 }, { } trigger) => ParallelRun.ExitCodeOf(trigger), // the failing job's own
            _ => Math.Min(failed, 101),
        };
    }

    /// <summary>
    /// Where <c>--results</c> and <c>--files</c> keep the jobs' output, if they were given; sets
    /// <c>--tmpdir</c> as TMPDIR (GNU parallel's jobs see it there too). GNU parallel then prints
    /// nothing of the jobs' output: under <c>--files</c>, or <c>--line-buffer</c> with a
    /// <c>--results</c> directory, the name of each job's stdout file. The mixes whose output GNU
    /// parallel makes something else of are refused.
    /// </summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="headers">The <c>--header</c> names of the values, if any.</param>
    /// <param name="replacements">The run's replacement strings, for a <c>--results</c> name that holds them.</param>
    /// <exception cref="UsageException">A mix refused, or a file or directory that cannot be used.</exception>
    private static IJobResults? KeptOutput(ParseResult parsed, IReadOnlyList<string> headers, Replacements replacements)
    {
        if (parsed.GetValue(TempDirectory) is string tmpdir)
        {
            if (!Directory.Exists(tmpdir))
            {
                throw new UsageException($"--tmpdir {tmpdir}: no such directory; make it first (mkdir -p {tmpdir})");
            }
            Environment.SetEnvironmentVariable("TMPDIR", tmpdir);
        }
        string? results = parsed.GetValue(Results);
        bool files = parsed.GetValue(Files);
        if (results is null && !files)
        {
            return null;
        }
        if (files && parsed.GetValue(Ungroup))
        {
            // GNU parallel prints the output as it comes and ignores --files then.
            throw new UsageException("--files keeps each job's output in a file and -u prints it as it comes: give one of them");
        }
        Stream stdout = Console.OpenStandardOutput(), stderr = Console.OpenStandardError();
        if (results is not null && ResultTable.Names(results))
        {
            if (parsed.GetValue(DryRun))
            {
                return null; // a dry run writes no results, and must not empty a table an earlier run wrote
            }
            if (files || parsed.GetValue(LineBuffer) || parsed.GetValue(Ungroup))
            {
                // GNU parallel prints the output (or the file names) as well as the table then, and fills the table's Stdout with what it printed.
                string other = files ? "--files" : parsed.GetValue(LineBuffer) ? "--line-buffer" : "-u";
                throw new UsageException($"--results {results} keeps the output in one table and {other} prints it: drop {other}, or give --results a directory");
            }
            return ResultTable.For(results, headers, stdout);
        }
        return new ResultFiles(results, headers, printNames: files || parsed.GetValue(LineBuffer), stdout, stderr, replacements);
    }

    /// <summary>
    /// Takes out of <paramref name="inputs"/> those holding a NUL, which no program can be given (an
    /// argument ends at it), each refused with one line; returns how many, which count as failed jobs.
    /// The rest run. (GNU parallel writes such a NUL as the two characters \0 and runs the job.)
    /// </summary>
    private static int RefuseNul(List<JobInput> inputs) => inputs.RemoveAll(input =>
    {
        if (!HoldsNul(input.Values))
        {
            return false;
        }
        string shown = string.Join(' ', input.Values).Replace("\0", "\\0", StringComparison.Ordinal);
        Console.Error.WriteLine($"subproc: job {input.Number}: the input '{shown}' holds a NUL byte, which cannot be passed to a program; not run");
        return true;
    });

    /// <summary>Whether a value holds a NUL: a loop, not <c>Any</c>, as -X asks it of 100,000 values.</summary>
    private static bool HoldsNul(IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Contains('\0', StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Refuses GNU parallel's Perl replacement strings, <c>{= perl =}</c>: there is no Perl here.</summary>
    /// <exception cref="UsageException">A template word holds one.</exception>
    private static void RefusePerl(IEnumerable<string> words)
    {
        if (words.Any(word => word.Contains("{=", StringComparison.Ordinal) && word.Contains("=}", StringComparison.Ordinal)))
        {
            throw new UsageException(
                "{= ... =} runs Perl in GNU parallel; subproc has no Perl: compute the value in the shell instead, " +
                "as in --shell 'echo \"$(printf %s {} | sed s/a/b/)\"'");
        }
    }

    /// <summary>The template with each <c>{name}</c> of a <c>--header</c> name written as its position, <c>{1}</c>, <c>{2}</c>...</summary>
    private static IReadOnlyList<string> Named(IReadOnlyList<string> words, IReadOnlyList<string> names) => names.Count == 0 ? words
        : [.. words.Select(word => names.Select((name, index) => (name, index))
            .Where(pair => pair.name.Length > 0)
            .Aggregate(word, (text, pair) => text.Replace("{" + pair.name + "}", "{" + (pair.index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}", StringComparison.Ordinal)))];

    /// <summary>Whether each job is a script for the shell: <c>--shell</c>, or jobs on other hosts, whose
    /// whole command line (redirections and pipes too) runs in the remote shell, as in GNU parallel.</summary>
    private static bool RunsInShell(ParseResult parsed, Sshlogins? logins) => parsed.GetValue(Shell) || logins?.AnyRemote == true;
}

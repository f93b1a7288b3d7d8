using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Subprocess.Cli.Inputs;
using Subprocess.Cli.Output;
using Subprocess.Cli.Progress;
using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Commands;

/// <summary><c>subproc parallel</c>: GNU parallel's model on the library's <see cref="JobRunner"/>.</summary>
internal static class ParallelCommand
{
    // No DefaultValueFactory: the default depends on the machine, and --help must not.
    private static readonly Option<string?> Jobs = new("--jobs", "-j")
    {
        Description = "How many jobs run at once: N (0: no limit), +N or -N (the cores plus or minus N), N% of the cores (default: the cores)",
    };

    private static readonly Option<bool> Shell = new("--shell") { Description = "Run each job with /bin/sh -c (each input quoted for where its {} stands)" };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "End a job's whole process tree after this long (10, 1.5s, 500ms, 2m)" };
    private static readonly Option<int?> Retries = new("--retries") { Description = "Try a failing job up to N times in all (0: until it succeeds)" };
    private static readonly Option<bool> KeepOrder = new("--keep-order", "-k") { Description = "Print output in input order, not as jobs finish" };
    private static readonly Option<bool> LineBuffer = new("--line-buffer") { Description = "Print output as it comes, in whole lines, instead of each job's output at its end" };
    private static readonly Option<bool> Bar = new("--bar") { Description = "Show a progress bar with an ETA on stderr (only when it is a terminal)" };
    private static readonly Option<bool> ProgressOption = new("--progress") { Description = "Same as --bar" };
    private static readonly Option<bool> Eta = new("--eta") { Description = "Show GNU parallel's status on stderr: the estimated seconds left, jobs left and running, average seconds a job" };
    private static readonly Option<bool> Tag = new("--tag") { Description = "Prefix each output line with the job's inputs and a tab" };
    private static readonly Option<string?> JobLogFile = new("--joblog") { Description = "Write a line per job to FILE (GNU parallel's columns)" };
    private static readonly Option<string?> Halt = new("--halt") { Description = "Stop early: now|soon,fail|success=N|N% (soon: let running jobs finish; now: end them)" };
    private static readonly Option<bool> Resume = new("--resume") { Description = "With --joblog: skip the jobs the log shows as run" };
    private static readonly Option<bool> ResumeFailed = new("--resume-failed") { Description = "With --joblog: skip the jobs the log shows as succeeded, run the rest again" };
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Print the commands without running them" };
    private static readonly Option<string[]> ArgFiles = new("--arg-file", "-a") { Description = "Read inputs from FILE, as :::: FILE does (may be repeated)" };
    private static readonly Option<string?> Delimiter = new("--delimiter", "-d") { Description = "Inputs end at this delimiter instead of a newline (C escapes: \\n, \\t, \\0, \\x41)" };
    private static readonly Option<bool> Null = new("--null", "-0") { Description = "Inputs end at a NUL byte (find -print0)" };
    private static readonly Option<bool> Link = new("--link") { Description = "Link input sources item by item instead of crossing them (the shorter wrap round)" };
    private static readonly Option<string?> ColumnSeparator = new("--colsep") { Description = "Split each input into columns at this regex: {1}, {2}... (missing ones are empty)" };
    private static readonly Option<string?> Header = new("--header") { Description = "The first input of each source names it (or, with --colsep, its columns) for {name}; any value (GNU: a regex) does" };
    private static readonly Option<string?> Trim = new("--trim") { Description = "Trim blanks from inputs: n (no), l (left), r (right), lr (both)" };
    private static readonly Option<string?> TagString = new("--tagstring") { Description = "Prefix each output line with STR (replacement strings filled in) and a tab" };
    private static readonly Option<bool> Verbose = new("--verbose", "-t") { Description = "Print each job's command on stderr as it starts" };
    private static readonly Option<bool> Ungroup = new("--ungroup", "-u") { Description = "Print output as it comes, in any pieces: fastest, but jobs' lines may mix" };
    private static readonly Option<bool> Shuffle = new("--shuf") { Description = "Run the jobs in a random order (numbered as they run)" };
    private static readonly Option<string?> Delay = new("--delay") { Description = "Wait this long between job starts (10, 1.5s, 500ms, 2m)" };
    private static readonly Option<int?> Nice = new("--nice") { Description = "Run every command of each job at this niceness (nice -n N)" };
    private static readonly Option<string?> Load = new("--load") { HelpName = "MAX", Description = "Start a job only while fewer than MAX processes run on this machine (N, or as --jobs: +N, -N, N% of the cores)" };
    private static readonly Option<string?> MemFree = new("--memfree") { HelpName = "SIZE", Description = "Start a job only while at least SIZE bytes of memory are free (K, M, G, T; k, m, g, t: powers of 1000)" };
    private static readonly Option<bool> Pipe = new("--pipe", "--spreadstdin") { Description = "Split stdin into blocks of records and give each job one on its stdin" };
    private static readonly Option<bool> PipePart = new("--pipe-part", "--pipepart") { Description = "--pipe over the file given with -a" };
    private static readonly Option<string?> Block = new("--block", "--block-size") { Description = "About how much a --pipe block holds (default 1M; K, M, G suffixes)" };
    private static readonly Option<string?> RecordEnd = new("--recend") { Description = "What ends a record for --pipe (default \\n; C escapes)" };
    private static readonly Option<string?> RecordStart = new("--recstart") { Description = "What starts a record for --pipe (default nothing; C escapes)" };
    private static readonly Option<int?> MaxArgs = new("--max-args", "-n") { Description = "Give each job up to N inputs ({} is them all, joined by spaces)" };
    private static readonly Option<int?> MaxArgsEach = new("-N") { Description = "Give each job up to N inputs; {1}..{N} name each, and a word with {} is repeated for each" };
    private static readonly Option<int?> MaxLines = new("--max-lines", "-L") { Description = "Give each job up to N input lines, as -N does" };
    private static readonly Option<bool> Xargs = new("-X") { Description = "Give each job as many inputs as a command line holds, a word with {} repeated for each" };
    private static readonly Option<string?> ReplaceString = new("-I") { HelpName = "STR", Description = "Use this string instead of {} for the input (as GNU parallel: {1} goes too; {.}, {/}... stay)" };
    private static readonly Option<bool> Plus = new("--plus") { Description = "More replacement strings: {+/} {+.} {..} {...} {/..} {##} {0#} {0%} {uniq} {choose_k}, and {:-x} {:n} {:n:m} {#re} {%re} {/re/x} {^re} {,re}..." };
    private static readonly Option<string?> Results = new("--results", "--res") { Description = "Keep each job's output in files, not on stdout: NAME/1/VALUE/stdout, stderr, seq; a NAME with replacement strings names the stdout file (.err, .seq beside it; ending in /: a directory); NAME.csv, .tsv, .json: one table (-.csv: on stdout)" };
    private static readonly Option<bool> Files = new("--files") { Description = "Keep each job's stdout in a new file in $TMPDIR and print the file's name" };
    private static readonly Option<string?> TempDirectory = new("--tmpdir") { Description = "Directory for temporary files (--files, spilled output); sets TMPDIR, for the jobs too" };
    private static readonly Option<string?> ArgumentSeparator = new("--arg-sep") { HelpName = "SEP", Description = "Use SEP instead of ::: (SEP+ instead of :::+)" };
    private static readonly Option<string?> FileSeparator = new("--arg-file-sep") { HelpName = "SEP", Description = "Use SEP instead of :::: (SEP+ instead of ::::+)" };
    private static readonly Option<bool> XargsFill = new("--xargs") { Description = "As -m, but filling each command line instead of spreading the inputs over the job slots (as xargs does)" };
    private static readonly Option<bool> Quote = new("--quote", "-q") { Description = "Take the command's words as they are, even one word (as GNU parallel's -q, which quotes them for its shell)" };
    private static readonly Option<bool> NoRunIfEmpty = new("--no-run-if-empty", "-r") { Description = "Skip inputs that are empty or only blanks" };
    private static readonly Option<bool> Group = new("--group") { Description = "Print each job's output whole, when it ends (the default)" };
    private static readonly Option<bool> WillCite = new("--will-cite") { Description = "Accepted for GNU parallel's command lines; subproc prints no citation notice" };
    private static readonly Option<bool> Multiple = new("-m") { Description = "Give each job as many inputs as a command line holds ({} is them all, joined by spaces)" };

    private static readonly Argument<string[]> Words = new("command")
    {
        Description = "The command template, then input sources: ::: ARGS..., :::: FILES... (default: lines of stdin)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>GNU parallel's other names for the options (<c>-P</c>, <c>--lb</c>, <c>--dryrun</c>...), each to
    /// the one declared here: its users' scripts use them, and <c>--help</c> stays short.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["-P"] = "-j", ["--max-procs"] = "--jobs", ["--maxprocs"] = "--jobs",
        ["--keeporder"] = "--keep-order",
        ["--lb"] = "--line-buffer", ["--linebuffer"] = "--line-buffer", ["--line-buffered"] = "--line-buffer", ["--linebuffered"] = "--line-buffer",
        ["--jl"] = "--joblog", ["--result"] = "--results", ["--resumefailed"] = "--resume-failed",
        ["--dryrun"] = "--dry-run", ["--dr"] = "--dry-run",
        ["--tag-string"] = "--tagstring", ["--tempdir"] = "--tmpdir",
        ["--argfile"] = "--arg-file", ["--maxargs"] = "--max-args", ["--max-replace-args"] = "-N", ["--maxreplaceargs"] = "-N", ["--maxlines"] = "--max-lines",
        ["--blocksize"] = "--block", ["--norunifempty"] = "--no-run-if-empty", ["--xapply"] = "--link",
        ["--argsep"] = "--arg-sep", ["--argfilesep"] = "--arg-file-sep", ["--willcite"] = "--will-cite", ["--nn"] = "--will-cite", ["--nonotice"] = "--will-cite", ["--no-notice"] = "--will-cite",
    };

    public static CliCommand Build()
    {
        var command = new CliCommand("parallel", "Run a command for every input, many at once (GNU parallel's model)");
        foreach (Option option in (Option[])[Jobs, Shell, Timeout, Retries, Halt, KeepOrder, LineBuffer, Bar, ProgressOption, Eta, Tag, JobLogFile, Resume, ResumeFailed, DryRun,
            ArgFiles, Delimiter, Null, Link, ColumnSeparator, Header, Trim, TagString, Verbose, Ungroup, Shuffle, Delay, MaxArgs, MaxArgsEach, MaxLines, Xargs, Multiple, ReplaceString, Plus, Pipe, PipePart, Block, RecordEnd, RecordStart, Nice, Load, MemFree, Results, Files, TempDirectory, Quote, NoRunIfEmpty, Group, WillCite, ArgumentSeparator, FileSeparator, XargsFill])
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
        if (parsed.GetValue(Pipe) || parsed.GetValue(PipePart))
        {
            return await RunPipedAsync(parsed, options, cancellation);
        }
        var inputOptions = InputOptions.Of(parsed.GetValue(ArgFiles) ?? [], parsed.GetValue(Delimiter), parsed.GetValue(Null), parsed.GetValue(Link), parsed.GetValue(Trim))
            with { Columns = Columns(parsed.GetValue(ColumnSeparator)), Header = parsed.GetValue(Header) is not null };
        inputOptions = Separators(parsed, inputOptions);
        RefusePerl(parsed.GetValue(Words) ?? []);
        (IReadOnlyList<string> templateWords, InputSources sources) = InputSources.Split(parsed.GetValue(Words) ?? [], () => Console.In, inputOptions);
        (int? perJob, bool repeatWords, bool fill) = Packing(parsed);
        Replacements replacements = ReplacementsOf(parsed, options, missingIsEmpty: inputOptions.Columns is not null);
        IReadOnlyList<string> named = Named(templateWords, sources.Names);
        JobTemplate template = JobTemplate.Parse(named, parsed.GetValue(Shell), repeatWords, replacements, literal: parsed.GetValue(Quote)) with { Niceness = parsed.GetValue(Nice) };
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
        // --xargs fills each command line, where -m and -X spread the inputs over the job slots.
        int spreadOver = parsed.GetValue(XargsFill) ? 0 : options.MaxParallel;
        IEnumerable<JobInput> jobs = fill
            ? sources.Single is { } single && !parsed.GetValue(Shuffle) && !parsed.GetValue(NoRunIfEmpty) ? ArgumentPacking.ByLength(single, spreadOver)
                : ArgumentPacking.ByLength([.. combinations], spreadOver)
            : perJob is int count ? ArgumentPacking.ByCount(combinations, count)
            : combinations.Select((values, index) => new JobInput(index + 1, values));
        List<JobInput> inputs = [.. jobs];
        // {##} and {0#} count every job there is; a resumed run, {uniq} and {choose_k} then skip some, keeping their numbers.
        replacements.Total = inputs.Count;
        inputs.RemoveAll(input => done.TryGetValue(input.Number, out bool succeeded) && (!resumeFailed || succeeded) || ran(input));
        // GNU parallel counts a skipped job in its exit code as it counts a failed one.
        int skipped = inputs.RemoveAll(input => replacements.Skips(named, input.Values));
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
            options, log, kept, cancellation);
    }

    /// <summary><c>--pipe</c> and <c>--pipe-part</c>: stdin (or the file of <c>-a</c>) cut into blocks of
    /// records, each a job's stdin, read as the jobs start.</summary>
    private static async Task<int> RunPipedAsync(ParseResult parsed, JobOptions options, CancellationToken cancellation)
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
        JobTemplate template = JobTemplate.Parse(words, parsed.GetValue(Shell), replacements: replacements, literal: parsed.GetValue(Quote)) with { Niceness = parsed.GetValue(Nice) };
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
        return await RunJobsAsync(parsed, template, jobs, total: null, refused: 0, options, log, kept, cancellation);
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
        JobOptions options, JobLog? log, IJobResults? kept, CancellationToken cancellation)
    {
        // Output kept in files is captured whole, as grouped output is, however it would have been shown.
        bool streamed = kept is null;
        var output = new OutputChoices(parsed.GetValue(Tag), parsed.GetValue(TagString), streamed && parsed.GetValue(LineBuffer), streamed && parsed.GetValue(Ungroup), parsed.GetValue(Verbose));
        var run = new ParallelRun(template, jobs, total, options, output, log, kept);
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

    /// <summary>Refuses options given together that say opposite things.</summary>
    /// <exception cref="UsageException">Such a pair.</exception>
    private static void RefuseMixes(ParseResult parsed)
    {
        (bool, string)[] refused =
        [
            (parsed.GetValue(Quote) && parsed.GetValue(Shell), "-q takes the command's words as they are and --shell gives them to /bin/sh: give one of them"),
            (parsed.GetValue(Group) && (parsed.GetValue(Ungroup) || parsed.GetValue(LineBuffer)),
                $"--group prints each job's output whole and {(parsed.GetValue(Ungroup) ? "-u" : "--line-buffer")} as it comes: give one of them"),
            (parsed.GetValue(NoRunIfEmpty) && (parsed.GetValue(Pipe) || parsed.GetValue(PipePart)),
                "-r with --pipe (no job for a block of only blanks) is not supported here: drop -r, or drop the blank lines first (grep .)"),
            // GNU parallel refuses these too: blocks read as jobs start are not counted before the input ends.
            ((parsed.GetValue(Pipe) || parsed.GetValue(PipePart)) && (parsed.GetValue(Eta) || parsed.GetValue(Bar) || parsed.GetValue(ProgressOption)
                || parsed.GetValue(Shuffle) || parsed.GetValue(Halt) is string halt && halt.Contains('%', StringComparison.Ordinal)),
                "--pipe is incompatible with --eta, --bar, --shuf and a --halt percentage, which need the number of jobs (as in GNU parallel)"),
        ];
        foreach ((bool given, string message) in refused)
        {
            if (given)
            {
                throw new UsageException(message);
            }
        }
    }

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

    /// <summary>The <c>--colsep</c> regex.</summary>
    /// <exception cref="UsageException">Not a regex.</exception>
    private static System.Text.RegularExpressions.Regex? Columns(string? pattern)
    {
        try
        {
            return pattern is null ? null : new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--colsep {pattern} is not a regular expression: {e.Message}");
        }
    }

    /// <summary><paramref name="options"/> with the separators <c>--arg-sep</c> and <c>--arg-file-sep</c> name.</summary>
    /// <exception cref="UsageException">An empty separator, or the two the same.</exception>
    private static InputOptions Separators(ParseResult parsed, InputOptions options)
    {
        string arguments = parsed.GetValue(ArgumentSeparator) ?? options.ArgumentSeparator, files = parsed.GetValue(FileSeparator) ?? options.FileSeparator;
        return arguments.Length == 0 || files.Length == 0 ? throw new UsageException("--arg-sep and --arg-file-sep need a separator to use")
            : arguments == files ? throw new UsageException($"--arg-sep and --arg-file-sep are both {arguments}: the two kinds of source need separators of their own")
            : options with { ArgumentSeparator = arguments, FileSeparator = files };
    }

    /// <summary>The replacement strings <c>-I</c> and <c>--plus</c> ask for.</summary>
    private static Replacements ReplacementsOf(ParseResult parsed, JobOptions options, bool missingIsEmpty) =>
        new(parsed.GetValue(ReplaceString), parsed.GetValue(Plus), missingIsEmpty) { Slots = options.MaxParallel };

    /// <summary>The template with each <c>{name}</c> of a <c>--header</c> name written as its position, <c>{1}</c>, <c>{2}</c>...</summary>
    private static IReadOnlyList<string> Named(IReadOnlyList<string> words, IReadOnlyList<string> names) => names.Count == 0 ? words
        : [.. words.Select(word => names.Select((name, index) => (name, index))
            .Where(pair => pair.name.Length > 0)
            .Aggregate(word, (text, pair) => text.Replace("{" + pair.name + "}", "{" + (pair.index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}", StringComparison.Ordinal)))];

    /// <summary>How many inputs a job gets: a count (<c>-n</c>, <c>-N</c>, <c>-L</c>), or as many as fit
    /// (<c>-m</c>, <c>-X</c>, <c>--xargs</c>); and whether a word with <c>{}</c> is repeated for each (<c>-N</c>, <c>-L</c>, <c>-X</c>).</summary>
    /// <exception cref="UsageException">More than one of them, or a negative count.</exception>
    private static (int? PerJob, bool RepeatWords, bool Fill) Packing(ParseResult parsed)
    {
        (string Name, bool Given)[] modes = [("-n", parsed.GetValue(MaxArgs) is not null), ("-N", parsed.GetValue(MaxArgsEach) is not null),
            ("-L", parsed.GetValue(MaxLines) is not null), ("-X", parsed.GetValue(Xargs)), ("-m", parsed.GetValue(Multiple)), ("--xargs", parsed.GetValue(XargsFill))];
        string[] given = [.. modes.Where(mode => mode.Given).Select(mode => mode.Name)];
        if (given.Length > 1)
        {
            throw new UsageException($"{string.Join(" and ", given)} each say how many inputs a job gets: give one of them");
        }
        int? count = parsed.GetValue(MaxArgs) ?? parsed.GetValue(MaxArgsEach) ?? parsed.GetValue(MaxLines);
        // As in GNU parallel, 0 gives each job none of the inputs (a job per input, -N0 as -n0 and -L0).
        if (count < 0)
        {
            throw new UsageException($"{given[0]} {count} is not a number of inputs per job (at least 1, or 0 for none)");
        }
        bool repeat = parsed.GetValue(MaxArgsEach) is not null || parsed.GetValue(MaxLines) is not null || parsed.GetValue(Xargs);
        return (count, repeat, parsed.GetValue(Xargs) || parsed.GetValue(Multiple) || parsed.GetValue(XargsFill));
    }

    /// <summary>How the jobs run: parallelism, order, retries, timeout, halt.</summary>
    private static JobOptions ReadOptions(ParseResult parsed)
    {
        int jobs = parsed.GetValue(Jobs) is string slots ? JobSlots.Parse(slots, Environment.ProcessorCount) : Environment.ProcessorCount;
        TimeSpan? timeout = parsed.GetValue(Timeout) is string t
            ? Durations.TryParse(t, out TimeSpan d) ? d : throw new UsageException($"--timeout {t} is not a duration (10, 1.5s, 500ms, 2m)")
            : null;
        // As GNU parallel: N tries in all, and 0 tries until one succeeds; the library counts the tries after the first.
        int retries = parsed.GetValue(Retries) switch
        {
            null => 0,
            < 0 => throw new UsageException("--retries cannot be negative"),
            0 => int.MaxValue,
            int tries => tries - 1,
        };
        HaltPolicy? halt;
        try
        {
            halt = parsed.GetValue(Halt) is string h ? HaltPolicy.Parse(h) : null;
        }
        catch (FormatException e)
        {
            throw new UsageException($"--halt {e.Message}");
        }
        TimeSpan delay = parsed.GetValue(Delay) is string d2
            ? Durations.TryParse(d2, out TimeSpan between) ? between : throw new UsageException($"--delay {d2} is not a duration (10, 1.5s, 500ms, 2m)")
            : TimeSpan.Zero;
        double? load = parsed.GetValue(Load) is string most ? MaxLoad(most) : null;
        double? memFree = parsed.GetValue(MemFree) is string least ? Sizes.Bytes(least, "--memfree") : null;
        return new JobOptions
        {
            MaxParallel = jobs, KeepOrder = parsed.GetValue(KeepOrder), Retries = retries, Timeout = timeout, Halt = halt, StartDelay = delay,
            WaitToStart = MachineLoad.WaitFor(load, memFree),
        };
    }

    /// <summary><c>--load</c>: a number of processes, or, as <c>--jobs</c> has them, +N, -N or N% of the cores;
    /// 0 is 0.01, as in GNU parallel.</summary>
    private static double MaxLoad(string text)
    {
        if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double most))
        {
            return most == 0 ? 0.01 : most;
        }
        try
        {
            return JobSlots.Parse(text, Environment.ProcessorCount);
        }
        catch (UsageException)
        {
            throw new UsageException($"--load {text} is not a load: N processes, +N or -N (the cores plus or minus N), or N% of the cores");
        }
    }
}

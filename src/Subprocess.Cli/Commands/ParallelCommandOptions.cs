using System.CommandLine;
using Subprocess.Cli.Inputs;
using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Commands;

/// <summary>
/// <c>subproc parallel</c>'s options, as GNU parallel names them, and what they mean for a run: the
/// <see cref="JobOptions"/>, the packing of inputs into jobs, the replacement strings, the separators,
/// and the pairs that say opposite things (refused).
/// </summary>
internal static class ParallelCommandOptions
{
    // No DefaultValueFactory: the default depends on the machine, and --help must not.
    internal static readonly Option<string?> Jobs = new("--jobs", "-j")
    {
        Description = "How many jobs run at once: N (0: no limit), +N or -N (the cores plus or minus N), N% of the cores (default: the cores)",
    };

    internal static readonly Option<bool> Shell = new("--shell") { Description = "Run each job with /bin/sh -c (each input quoted for where its {} stands)" };
    internal static readonly Option<string?> Timeout = new("--timeout") { Description = "End a job's whole process tree after this long (10, 1.5s, 500ms, 2m)" };
    internal static readonly Option<int?> Retries = new("--retries") { Description = "Try a failing job up to N times in all (0: until it succeeds)" };
    internal static readonly Option<bool> KeepOrder = new("--keep-order", "-k") { Description = "Print output in input order, not as jobs finish" };
    internal static readonly Option<bool> LineBuffer = new("--line-buffer") { Description = "Print output as it comes, in whole lines, instead of each job's output at its end" };
    internal static readonly Option<bool> Bar = new("--bar") { Description = "Show a progress bar with an ETA on stderr (only when it is a terminal)" };
    internal static readonly Option<bool> ProgressOption = new("--progress") { Description = "Same as --bar" };
    internal static readonly Option<bool> Eta = new("--eta") { Description = "Show GNU parallel's status on stderr: the estimated seconds left, jobs left and running, average seconds a job" };
    internal static readonly Option<bool> Tag = new("--tag") { Description = "Prefix each output line with the job's inputs and a tab" };
    internal static readonly Option<string[]> SshLogin = new("--sshlogin", "-S")
    {
        Description = "Run the jobs on these hosts over ssh: [N/]host[,...], N its job slots (else --jobs on its cores), ':' this machine; repeatable",
    };

    internal static readonly Option<string[]> SshLoginFile = new("--sshloginfile") { Description = "Read --sshlogin entries from FILE, one a line ('..': ~/.parallel/sshloginfile)" };
    internal static readonly Option<string?> Ssh = new("--ssh") { Description = "The ssh command for -S hosts, with its options (default: $PARALLEL_SSH, else ssh)" };
    internal static readonly Option<string[]> TransferFile = new("--transferfile") { Description = "Send FILE (a template: {} and the rest) to the job's host before it runs, relative to --workdir" };
    internal static readonly Option<bool> TransferInput = new("--transfer") { Description = "Same as --transferfile {}" };
    internal static readonly Option<string[]> ReturnFile = new("--return") { Description = "Bring FILE (a template) back from the job's host after it ran" };
    internal static readonly Option<bool> CleanupFiles = new("--cleanup") { Description = "Remove the sent and returned files (and --basefile's at the end) from the hosts" };
    internal static readonly Option<string[]> TransferReturnCleanup = new("--trc") { Description = "Same as --transfer --return FILE --cleanup" };
    internal static readonly Option<string?> WorkDir = new("--workdir") { Description = "The jobs' dir on the hosts (default the login dir; '...' a new one each, '.' this one)" };
    internal static readonly Option<string[]> EnvName = new("--env") { Description = "Give the jobs on other hosts this process's value of variable NAME" };
    internal static readonly Option<string[]> BaseFile = new("--basefile") { Description = "Send FILE to every host once, before the first job" };
    internal static readonly Option<string?> JobLogFile = new("--joblog") { Description = "Write a line per job to FILE (GNU parallel's columns)" };
    internal static readonly Option<string?> Halt = new("--halt") { Description = "Stop early: now|soon,fail|success=N|N% (soon: let running jobs finish; now: end them)" };
    internal static readonly Option<bool> Resume = new("--resume") { Description = "With --joblog: skip the jobs the log shows as run" };
    internal static readonly Option<bool> ResumeFailed = new("--resume-failed") { Description = "With --joblog: skip the jobs the log shows as succeeded, run the rest again" };
    internal static readonly Option<bool> DryRun = new("--dry-run") { Description = "Print the commands without running them" };
    internal static readonly Option<string[]> ArgFiles = new("--arg-file", "-a") { Description = "Read inputs from FILE, as :::: FILE does (may be repeated)" };
    internal static readonly Option<string?> Delimiter = new("--delimiter", "-d") { Description = "Inputs end at this delimiter instead of a newline (C escapes: \\n, \\t, \\0, \\x41)" };
    internal static readonly Option<bool> Null = new("--null", "-0") { Description = "Inputs end at a NUL byte (find -print0)" };
    internal static readonly Option<bool> Link = new("--link") { Description = "Link input sources item by item instead of crossing them (the shorter wrap round)" };
    internal static readonly Option<string?> ColumnSeparator = new("--colsep") { Description = "Split each input into columns at this regex: {1}, {2}... (missing ones are empty)" };
    internal static readonly Option<string?> Header = new("--header") { Description = "The first input of each source names it (or, with --colsep, its columns) for {name}; any value (GNU: a regex) does" };
    internal static readonly Option<string?> Trim = new("--trim") { Description = "Trim blanks from inputs: n (no), l (left), r (right), lr (both)" };
    internal static readonly Option<string?> TagString = new("--tagstring") { Description = "Prefix each output line with STR (replacement strings filled in) and a tab" };
    internal static readonly Option<bool> Verbose = new("--verbose", "-t") { Description = "Print each job's command on stderr as it starts" };
    internal static readonly Option<bool> Ungroup = new("--ungroup", "-u") { Description = "Print output as it comes, in any pieces: fastest, but jobs' lines may mix" };
    internal static readonly Option<bool> Shuffle = new("--shuf") { Description = "Run the jobs in a random order (numbered as they run)" };
    internal static readonly Option<string?> Delay = new("--delay") { Description = "Wait this long between job starts (10, 1.5s, 500ms, 2m)" };
    internal static readonly Option<int?> Nice = new("--nice") { Description = "Run every command of each job at this niceness (nice -n N)" };
    internal static readonly Option<string?> Load = new("--load") { HelpName = "MAX", Description = "Start a job only while fewer than MAX processes run on this machine (N, or as --jobs: +N, -N, N% of the cores)" };
    internal static readonly Option<string?> MemFree = new("--memfree") { HelpName = "SIZE", Description = "Start a job only while at least SIZE bytes of memory are free (K, M, G, T; k, m, g, t: powers of 1000)" };
    internal static readonly Option<bool> Pipe = new("--pipe", "--spreadstdin") { Description = "Split stdin into blocks of records and give each job one on its stdin" };
    internal static readonly Option<bool> PipePart = new("--pipe-part", "--pipepart") { Description = "--pipe over the file given with -a" };
    internal static readonly Option<string?> Block = new("--block", "--block-size") { Description = "About how much a --pipe block holds (default 1M; K, M, G suffixes)" };
    internal static readonly Option<string?> RecordEnd = new("--recend") { Description = "What ends a record for --pipe (default \\n; C escapes)" };
    internal static readonly Option<string?> RecordStart = new("--recstart") { Description = "What starts a record for --pipe (default nothing; C escapes)" };
    internal static readonly Option<int?> MaxArgs = new("--max-args", "-n") { Description = "Give each job up to N inputs ({} is them all, joined by spaces)" };
    internal static readonly Option<int?> MaxArgsEach = new("-N") { Description = "Give each job up to N inputs; {1}..{N} name each, and a word with {} is repeated for each" };
    internal static readonly Option<int?> MaxLines = new("--max-lines", "-L") { Description = "Give each job up to N input lines, as -N does" };
    internal static readonly Option<bool> Xargs = new("-X") { Description = "Give each job as many inputs as a command line holds, a word with {} repeated for each" };
    internal static readonly Option<string?> ReplaceString = new("-I") { HelpName = "STR", Description = "Use this string instead of {} for the input (as GNU parallel: {1} goes too; {.}, {/}... stay)" };
    internal static readonly Option<bool> Plus = new("--plus") { Description = "More replacement strings: {+/} {+.} {..} {...} {/..} {##} {0#} {0%} {uniq} {choose_k}, and {:-x} {:n} {:n:m} {#re} {%re} {/re/x} {^re} {,re}..." };
    internal static readonly Option<string?> Results = new("--results", "--res") { Description = "Keep each job's output in files, not on stdout: NAME/1/VALUE/stdout, stderr, seq; a NAME with replacement strings names the stdout file (.err, .seq beside it; ending in /: a directory); NAME.csv, .tsv, .json: one table (-.csv: on stdout)" };
    internal static readonly Option<bool> Files = new("--files") { Description = "Keep each job's stdout in a new file in $TMPDIR and print the file's name" };
    internal static readonly Option<string?> TempDirectory = new("--tmpdir") { Description = "Directory for temporary files (--files, spilled output); sets TMPDIR, for the jobs too" };
    internal static readonly Option<string?> ArgumentSeparator = new("--arg-sep") { HelpName = "SEP", Description = "Use SEP instead of ::: (SEP+ instead of :::+)" };
    internal static readonly Option<string?> FileSeparator = new("--arg-file-sep") { HelpName = "SEP", Description = "Use SEP instead of :::: (SEP+ instead of ::::+)" };
    internal static readonly Option<bool> XargsFill = new("--xargs") { Description = "As -m, but filling each command line instead of spreading the inputs over the job slots (as xargs does)" };
    internal static readonly Option<bool> Quote = new("--quote", "-q") { Description = "Take the command's words as they are, even one word (as GNU parallel's -q, which quotes them for its shell)" };
    internal static readonly Option<bool> NoRunIfEmpty = new("--no-run-if-empty", "-r") { Description = "Skip inputs that are empty or only blanks" };
    internal static readonly Option<bool> Group = new("--group") { Description = "Print each job's output whole, when it ends (the default)" };
    internal static readonly Option<bool> WillCite = new("--will-cite") { Description = "Accepted for GNU parallel's command lines; subproc prints no citation notice" };
    internal static readonly Option<bool> Multiple = new("-m") { Description = "Give each job as many inputs as a command line holds ({} is them all, joined by spaces)" };

    internal static readonly Argument<string[]> Words = new("command")
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
        ["--slf"] = "--sshloginfile", ["--tf"] = "--transferfile", ["--wd"] = "--workdir", ["--bf"] = "--basefile", ["--argsep"] = "--arg-sep", ["--argfilesep"] = "--arg-file-sep", ["--willcite"] = "--will-cite", ["--nn"] = "--will-cite", ["--nonotice"] = "--will-cite", ["--no-notice"] = "--will-cite",
    };

    /// <summary>Every option, in the order <c>--help</c> lists them.</summary>
    internal static Option[] All =>
    [
        Jobs, Shell, Timeout, Retries, Halt, KeepOrder, LineBuffer, Bar, ProgressOption, Eta, Tag, JobLogFile, Resume,
        ResumeFailed, DryRun, ArgFiles, Delimiter, Null, Link, ColumnSeparator, Header, Trim, TagString, Verbose, Ungroup,
        Shuffle, Delay, MaxArgs, MaxArgsEach, MaxLines, Xargs, Multiple, ReplaceString, Plus, Pipe, PipePart, Block, RecordEnd,
        RecordStart, Nice, Load, MemFree, Results, Files, TempDirectory, Quote, NoRunIfEmpty, Group, WillCite, ArgumentSeparator,
        FileSeparator, XargsFill, SshLogin, SshLoginFile, Ssh, TransferFile, TransferInput, ReturnFile, CleanupFiles, TransferReturnCleanup,
        WorkDir, EnvName, BaseFile
    ];

    /// <summary>Refuses options given together that say opposite things.</summary>
    /// <exception cref="UsageException">Such a pair.</exception>
    internal static void RefuseMixes(ParseResult parsed)
    {
        (bool, string)[] refused =
        [
            (parsed.GetValue(Quote) && parsed.GetValue(Shell), "-q takes the command's words as they are and --shell gives them to /bin/sh: give one of them"),
            (parsed.GetValue(Group) && (parsed.GetValue(Ungroup) || parsed.GetValue(LineBuffer)),
                $"--group prints each job's output whole and {(parsed.GetValue(Ungroup) ? "-u" : "--line-buffer")} as it comes: give one of them"),
            (parsed.GetValue(NoRunIfEmpty) && (parsed.GetValue(Pipe) || parsed.GetValue(PipePart)),
                "-r with --pipe (no job for a block of only blanks) is not supported here: drop -r, or drop the blank lines first (grep .)"),
            // GNU parallel refuses these too: blocks read as jobs start are not counted before the input ends.
            ((parsed.GetValue(Pipe) || parsed.GetValue(PipePart)) && (parsed.GetValue(TransferFile) is [_, ..] || parsed.GetValue(TransferInput)
                || parsed.GetValue(TransferReturnCleanup) is [_, ..]),
                "--pipe sends each block down the job's session, where --transferfile sends the job's files: give one of them"),
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

    /// <summary>The <c>--colsep</c> regex.</summary>
    /// <exception cref="UsageException">Not a regex.</exception>
    internal static System.Text.RegularExpressions.Regex? Columns(string? pattern)
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
    internal static InputOptions Separators(ParseResult parsed, InputOptions options)
    {
        string arguments = parsed.GetValue(ArgumentSeparator) ?? options.ArgumentSeparator, files = parsed.GetValue(FileSeparator) ?? options.FileSeparator;
        return arguments.Length == 0 || files.Length == 0 ? throw new UsageException("--arg-sep and --arg-file-sep need a separator to use")
            : arguments == files ? throw new UsageException($"--arg-sep and --arg-file-sep are both {arguments}: the two kinds of source need separators of their own")
            : options with { ArgumentSeparator = arguments, FileSeparator = files };
    }

    /// <summary>The replacement strings <c>-I</c> and <c>--plus</c> ask for.</summary>
    internal static Replacements ReplacementsOf(ParseResult parsed, JobOptions options, bool missingIsEmpty) =>
        new(parsed.GetValue(ReplaceString), parsed.GetValue(Plus), missingIsEmpty) { Slots = options.MaxParallel };

    /// <summary>How many inputs a job gets: a count (<c>-n</c>, <c>-N</c>, <c>-L</c>), or as many as fit
    /// (<c>-m</c>, <c>-X</c>, <c>--xargs</c>); and whether a word with <c>{}</c> is repeated for each (<c>-N</c>, <c>-L</c>, <c>-X</c>).</summary>
    /// <exception cref="UsageException">More than one of them, or a negative count.</exception>
    internal static (int? PerJob, bool RepeatWords, bool Fill) Packing(ParseResult parsed)
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
    internal static JobOptions ReadOptions(ParseResult parsed)
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
    internal static double MaxLoad(string text)
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

    /// <summary>What jobs on other hosts take there and bring back: <c>--transferfile</c>, <c>--transfer</c>,
    /// <c>--return</c>, <c>--cleanup</c>, <c>--trc</c>, <c>--workdir</c>, <c>--env</c>.</summary>
    internal static Remote.RemoteFiles RemoteFilesOf(ParseResult parsed)
    {
        string[] trc = parsed.GetValue(TransferReturnCleanup) ?? [];
        string[] transfer = [.. parsed.GetValue(TransferFile) ?? [], .. parsed.GetValue(TransferInput) || trc.Length > 0 ? ["{}"] : Array.Empty<string>()];
        return new Remote.RemoteFiles([.. transfer.Distinct(StringComparer.Ordinal)], [.. parsed.GetValue(ReturnFile) ?? [], .. trc],
            parsed.GetValue(CleanupFiles) || trc.Length > 0, parsed.GetValue(WorkDir), parsed.GetValue(EnvName) ?? []);
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Cli.Tests;

/// <summary>
/// GNU parallel and <c>subproc parallel</c> side by side on the same command lines, in fresh directories:
/// the same stdout (in order under <c>-k</c>; as a set of lines otherwise, since jobs finish in any
/// order), the same exit code, the same files left behind. <c>subproc</c> gets <c>--shell</c> where the
/// template is shell syntax, its one deliberate difference. GNU parallel must be installed (.ci/run
/// installs it): a machine without it fails here rather than skip the comparison.
/// </summary>
public class GnuParitySpecs : Spec
{
    [Theory(Timeout = 120_000)]
    // Inputs, replacement strings, order, tags, dry runs, cross products.
    [InlineData(false, "", "-k echo ::: a b c")]
    [InlineData(false, "", "-k echo {} {#} {.} {/} {//} {/.} ::: dir/file.txt other.tar.gz")]
    [InlineData(false, "", "-k --tag echo ::: a b ::: 1 2")]
    [InlineData(false, "", "--dry-run -k gzip {} ::: a b")]
    [InlineData(false, "one\ntwo\n", "-k echo [{}]")]
    // Where inputs come from and how they combine: -a, -d, -0, --trim, --link, :::+.
    [InlineData(false, "p\nq\n", "-k -a - echo ::: 1 2")]
    [InlineData(false, "a\0b c\0", "-0 -k echo [{}]")]
    [InlineData(false, "a,b,,c", "-d , -k echo [{}]")]
    [InlineData(false, "a\tb\n", "-d \\t -k echo [{}]")]
    [InlineData(false, "a\r\nb\n", "-k echo [{}]")]
    [InlineData(false, "  a \n b\t\n", "--trim lr -k echo [{}]")]
    [InlineData(false, "  a \n", "--trim l -k echo [{}]")]
    [InlineData(false, "", "-k --link echo ::: a b c ::: 1 2")]
    [InlineData(false, "", "-k echo ::: a b c :::+ 1 2")]
    [InlineData(false, "", "-k echo ::: x y ::: a b c :::+ 1 2 3")]
    // Columns and headers: --colsep, --header.
    [InlineData(false, "a\tb\nc\td\n", "-k --colsep \\t echo {2}-{1}")]
    [InlineData(false, "a,b\nc,d\n", "-k --colsep , echo")]
    [InlineData(false, "x,y\na,b\nc,d\n", "-k --colsep , --header : echo {y}-{x}")]
    [InlineData(false, "", "-k --header : echo {f}-{g} ::: f 1 2 ::: g a")]
    [InlineData(false, "a  b\n", "-k --colsep ' +' echo [{2}]")]
    [InlineData(false, " a , b \n", "-k --colsep , --trim lr echo [{1}][{2}]")]
    [InlineData(false, "a,b\n", "-k --colsep , echo {3}x")]
    // How output is shown: --tagstring, -u, -t (its stderr compared apart), --delay, --shuf.
    [InlineData(false, "", "-k --tagstring <{}:{#}> echo x ::: a b")]
    [InlineData(false, "", "-k --tag --tagstring T{} echo x ::: a")]
    [InlineData(true, "", "-k --tag 'printf \"a\\rb\\r\\nc\"' ::: x y")]      // a tag after \r too, and none added after c
    [InlineData(true, "", "-k --lb --tag 'printf \"a\\rb\\r\\nc\"' ::: x y")]
    [InlineData(false, "", "-j1 -u echo ::: a b")]
    [InlineData(false, "", "-k -t echo ::: a b")]
    [InlineData(false, "", "-k --delay 0.1 echo ::: a b c")]
    [InlineData(false, "", "--shuf echo ::: a b c d")]
    // Several inputs a job: -n, -N, -L (a count), -m and -X (as many as fit, spread over the slots).
    [InlineData(false, "", "-k -n2 echo ::: a b c d e")]
    [InlineData(false, "", "-k -n2 echo [{}] ::: a b c d e")]
    [InlineData(false, "", "-k -n2 echo {1}-{2} ::: a b c")]
    [InlineData(false, "", "-k -n2 echo ::: a b ::: 1 2")]
    [InlineData(false, "", "-k -N2 echo [{}] ::: a b c")]
    [InlineData(false, "", "-k -N2 echo {1}-{2} ::: a b c")]
    [InlineData(false, "", "-k -N0 echo x ::: a b")]
    [InlineData(false, "a b\nc\nd\ne\n", "-k -L2 echo")]
    [InlineData(false, "a b\nc\nd\ne\n", "-k -L2 echo [{}]")]
    [InlineData(false, "", "-k -j3 -X echo pre{}post ::: 1 2 3 4 5 6 7 8 9 10")]
    [InlineData(false, "", "-k -j1 -X echo ::: a b c")]
    [InlineData(false, "", "-k -j1 -m echo pre{}post ::: a b c")]
    [InlineData(false, "", "-k -j2 -m echo ::: a b c d e")]
    [InlineData(false, "", "-k -j2 --xargs echo ::: a b c d e")]
    [InlineData(false, "", "-k -j2 --xargs echo x{}y ::: a b c")]
    [InlineData(true, "", "-k -n2 'echo {}; echo {#}' ::: a 'b c' d")]
    [InlineData(true, "from stdin\n", "'cat; echo {}' ::: x")]          // a job reads nothing (GNU parallel without --tty)
    // --pipe and --pipe-part: blocks of records on each job's stdin, cut where GNU parallel cuts them
    // (stdin "seq:N" is seq N's output; "file:..." is written to the file "in" instead).
    [InlineData(false, "seq:30", "-k --pipe --block 10 wc -l")]
    [InlineData(false, "seq:30", "-k --pipe --block 7 wc -l")]
    [InlineData(false, "seq:30", "-k --pipe --block 3 wc -l")]
    [InlineData(false, "seq:20", "-k --pipe -N3 wc -l")]
    [InlineData(true, "seq:10", "-k --pipe --block 6 'cat > /dev/null; echo {#}'")] // a job that reads no stdin: GNU parallel's code is a race
    [InlineData(true, "a\nb\nc", "-k --pipe --block 2 'cat; echo \"|\"'")]
    [InlineData(false, ">a\nx\n>b\ny\n>c\nz\n", "-k --pipe --recstart > -N1 wc -c")]
    [InlineData(false, ">a\nx\n>b\ny\n>c\nz\n", "-k --pipe --recstart > --block 8 wc -c")]
    [InlineData(false, "a;b;c;d;", "-k --pipe --recend ; --block 3 wc -c")]
    [InlineData(false, "file:seq:30", "-k --pipe-part -a in --block 10 wc -l")]
    [InlineData(false, "file:seq:30", "-k --pipe-part -a in --block 7 wc -l")]
    [InlineData(false, "file:seq:30", "-k --pipe-part -a in --block 25 wc -l")]
    // --nice: every command of the job at that niceness, a pipeline's too.
    [InlineData(true, "", "--nice 7 'cut -d\" \" -f19 /proc/$$/stat {}' ::: /dev/null")]
    [InlineData(false, "", "--nice 3 'cat /proc/self/stat {} | cut -d\" \" -f19' ::: /dev/null")]
    // Replacement strings: GNU parallel's forms, quirks included ({.} of .bashrc, {/} of dir/), -I, --plus.
    [InlineData(false, "", "-k echo {.} {/} {/.} {//} ::: .bashrc a/b/ a.b/c a. /x a//b")]
    [InlineData(false, "", "-k echo {-1} {-2} {1/} ::: a ::: b/c")]
    [InlineData(false, "", "-k -I ,, echo ,, {} {.} ::: a.b c")]
    [InlineData(false, "", "-k -I @@ echo @@ ::: a ::: b")]
    [InlineData(false, "", "-k -I {/} echo {/} {.} ::: a/b.c")] // -I's string before the forms it looks like
    [InlineData(false, "", "-k echo ::: @a")] // an input, not a response file
    [InlineData(false, "", "-k -I XX echo XX{.} X{1}X ::: a.b")]
    [InlineData(false, "", "-k -I ,, echo ::: a b")]
    [InlineData(false, "", "-k -I ,, -X echo x,,y ::: a b c")]
    [InlineData(false, "", "-k -I [] echo [] [.] ::: a.b")]
    [InlineData(true, "", "-k -I ,, 'echo ,, | tr a b' ::: a.a")]
    [InlineData(false, "", "--plus -k echo {+/} {+.} {+..} {+...} {..} {...} {/..} {/...} ::: a a/b.c.d.e /r x/y.tar.gz")]
    [InlineData(false, "", "--plus -k echo {##} {0#} {1:-none} ::: '' b c d e f g h i j k")]
    [InlineData(false, "", "--plus -k -j1 echo {0%} ::: a b")]
    [InlineData(false, "", "--plus -k echo {:2} {:1:2} {#a} {##a*} {%c} {%%b*} {//a/X} {^a} {^^b} {,A} {,,B} {/#a/Z} {/%c/Z} ::: abcabc AbBc 0")]
    [InlineData(false, "", "--plus -k echo {1%.gz} {1#.*/} {1##.*/} {1%%.*} {2/y/_} ::: dir/sub/a.tar.gz ::: x.y.y")]
    [InlineData(false, "", "--plus -k 'echo {##a*} {,,B}' ::: aaBa")]
    [InlineData(false, "", "--plus -k echo {#} {choose_k} ::: A B C ::: A B C")]
    [InlineData(false, "", "--plus -k echo x{uniq}y {1} ::: a b ::: a b")]
    [InlineData(true, "", "--plus -k 'echo {%.txt}; echo {/..}' ::: ab.txt c/d.e.f")]
    // GNU parallel's other names for options, and -q, -r, --group, --will-cite.
    [InlineData(false, "", "-P 2 -k echo ::: a b")]
    [InlineData(false, "", "-P2 --keeporder echo ::: a b")]
    [InlineData(false, "", "--max-procs=2 --dryrun -k echo ::: a b")]
    [InlineData(false, "", "--lb -k echo ::: a b")]
    [InlineData(true, "", "--lb -k 'echo a{}; sleep {}; echo b{}' ::: 0.5 0.1 0.3")]
    [InlineData(false, "", "--nn --will-cite -k echo ::: a")]
    [InlineData(false, "", "--xapply --maxargs 1 -k echo ::: a b ::: 1 2")]
    [InlineData(false, "", "-q -k echo a;b $x ::: x")]
    [InlineData(false, "", "--group -k echo ::: a b")]
    [InlineData(false, "", "-k --arg-sep ,, echo ,, a b ,,+ 1 2")]
    [InlineData(false, "", "-k --arg-sep ,, echo ::: a b")]          // ::: is a word then, and stdin (empty) the source
    [InlineData(false, "file:x\ny\n", "-k --arg-file-sep // echo // in ::: 1 2")]
    [InlineData(false, "", "-kq sh -c 'echo $0' ::: a")]   // short options bundled, as getopt has them
    [InlineData(false, "", "-kj2 echo ::: a b")]
    [InlineData(false, "", "-P 2 -kn0 echo x ::: a b")]
    [InlineData(false, "", "-k0 echo")]
    [InlineData(false, "", "-k -L0 echo x{} ::: a b")]
    [InlineData(false, "", "-k -N0 echo x{}y ::: a b")]
    [InlineData(false, "", "-k --trim r echo [{}] ::: 'a  ' ' b'")]
    [InlineData(false, "", "-r -k echo [{}] {#} ::: a '' '  ' b")]
    [InlineData(false, "", "-r -k -X echo [{}] ::: a '' '  ' b")]
    [InlineData(false, "a\n\n  \nb\n", "-r -k echo [{}]")]
    // The variables each job gets.
    [InlineData(true, "", "-j1 -k 'echo $PARALLEL_SEQ $PARALLEL_JOBSLOT {}' ::: a b c")]
    [InlineData(true, "", "-k 'test $PARALLEL_PID = $PPID && echo pid' ::: a")]
    // Starts held back while the machine is busy: here it is not.
    [InlineData(false, "", "-k --load 1000 echo ::: a b")]
    [InlineData(false, "", "-k --eta echo ::: a b")]
    [InlineData(false, "", "-k --memfree 1k echo ::: a b")]
    [InlineData(false, "seq:30", "-k --pipe --block 0.01k wc -l")]
    // Job counts: N, 0, +N, -N, N% of the cores.
    [InlineData(false, "", "-j 0 -k echo ::: a b c")]
    [InlineData(false, "", "-j +1 -k echo ::: a b c")]
    [InlineData(false, "", "-j -1 -k echo ::: a b c")]
    [InlineData(false, "", "-j 50% -k echo ::: a b c")]
    [InlineData(false, "", "-j 200% -k echo ::: a b c")]
    // Exit codes: the failures counted; under --halt, the failing job's own code, or the share that failed.
    [InlineData(true, "", "exit {} ::: 0 1 2 0 3")]
    [InlineData(true, "", "-j1 --halt now,fail=1 exit {} ::: 0 4 0")]
    [InlineData(true, "", "-j1 -k --halt soon,fail=1 'echo {}; exit {}' ::: 0 5 0")]
    [InlineData(true, "", "-j1 -k --halt soon,fail=50% 'echo {}; exit {}' ::: 1 0 0 0")]
    [InlineData(true, "", "-j1 -k --halt soon,fail=50% 'echo {}; exit {}' ::: 1 0 1 0")]
    [InlineData(true, "", "-j1 -k --halt soon,success=1 'echo {}; exit {}' ::: 1 0 1")]
    [InlineData(true, "", "--halt now,fail=1 'kill -9 $$' ::: 1")]
    [InlineData(true, "", "-k --timeout 0.5 'sleep {}; echo {}' ::: 0.1 3")]
    // --results: a tree of the inputs (or a template's files, or a table) holding each job's stdout,
    // stderr and number; nothing on stdout but, under --line-buffer, each stdout file's name.
    [InlineData(true, "", "--results out 'echo o{}; echo e{} >&2; exit 1' ::: a b")]
    [InlineData(false, "", "--results out echo ::: a b ::: c d")]
    [InlineData(false, "", "--results out/ echo ::: 'a/b c' 'x\\y' '*'")]
    [InlineData(false, "", "--results out -n2 echo ::: a b c")]
    [InlineData(false, "", "--results out --header : echo ::: b 1 2 ::: a 3")]
    [InlineData(false, "", "--results out --colsep , echo ::: a,b")]
    [InlineData(false, "", "--results out/{}/x echo ::: a b")]
    [InlineData(false, "", "--results my_{}/ echo ::: a b")]
    [InlineData(false, "", "-k --joblog jl --results out echo ::: a b")]
    [InlineData(true, "", "-k --joblog jl 'echo {} | tr a b' ::: a b,c")] // the Command column is the line the shell ran
    [InlineData(false, "", "--dry-run -k echo ::: b,c a=b @x : '' x/y.z")]
    [InlineData(true, "", "-k --tag --results out 'echo o{}; echo e{} >&2' ::: a b")]
    [InlineData(false, "", "-k --tag --line-buffer --results out echo ::: a b")]
    [InlineData(false, "", "-j1 -u --results out echo ::: a b")]
    [InlineData(false, "seq:3", "-j1 --results out --pipe -N1 cat")]
    [InlineData(false, "", "-k --results out.csv echo ::: a 'b c' 'd\"e' ::: 1")]
    [InlineData(false, "", "-k --tag --results out.tsv echo ::: a 'b c'")]
    [InlineData(false, "", "-k --header : --results out.csv echo ::: h a b")]
    [InlineData(false, "", "-k --results out.csv echo ::: 1 2 ::: 3 ::: 4 ::: 5 ::: 6 ::: 7 ::: 8 ::: 9 ::: 10 ::: 11")]
    [InlineData(false, "", "-k --results out.json echo ::: 'b\\c' 'q\"q'")]
    [InlineData(false, "", "-k --results -.csv echo ::: a b")]
    // Retries: N tries in all, each leaving its mark in a file.
    [InlineData(true, "", "--retries 2 'echo try >> {}.log; exit 1' ::: a")]
    [InlineData(true, "", "--retries 3 'echo try >> {}.log; [ $(wc -l < {}.log) -ge 2 ]' ::: a")]
    [InlineData(true, "seq:10", "--pipe --retries 3 'wc -l >> log; exit 1'")] // each try reads the whole block
    public async Task Same_stdout_exit_code_and_files_as_GNU_parallel(bool shell, string stdin, string commandLine)
    {
        string[] arguments = Words(commandLine);

        Run gnu = await RunAsync(["parallel", "--will-cite", .. arguments], stdin);
        Run ours = await RunAsync([Subproc.Plain().Program, .. Subproc.Plain().Arguments, "parallel", .. shell ? ["--shell"] : Array.Empty<string>(), .. arguments], stdin);

        bool ordered = arguments.Contains("-k") || arguments.Contains("--dry-run") && arguments.Contains("-k");
        Assert.Equal(ordered ? gnu.Stdout : Sorted(gnu.Stdout), ordered ? ours.Stdout : Sorted(ours.Stdout));
        Assert.Equal(gnu.ExitCode, ours.ExitCode);
        Assert.Equal(gnu.Files, ours.Files);
    }

    [Fact(Timeout = 60_000)]
    public async Task Verbose_prints_each_job_on_stderr_as_GNU_parallel_does()
    {
        Run gnu = await RunAsync(["parallel", "--will-cite", "-j1", "-t", "echo", ":::", "a", "b"], "");
        Run ours = await RunAsync([Subproc.Plain().Program, .. Subproc.Plain().Arguments, "parallel", "-j1", "-t", "echo", ":::", "a", "b"], "");

        Assert.Equal("echo a\necho b\n", gnu.Stderr);
        Assert.Equal(gnu.Stderr, ours.Stderr);
    }

    [Fact(Timeout = 60_000)]
    public async Task Files_prints_the_name_of_a_new_file_holding_each_jobs_stdout_as_GNU_parallel_does()
    {
        string[] arguments = ["--files", "-k", "--tag", "--tmpdir", "t", "printf", "o{}"];
        Run gnu = await RunAsync(["parallel", "--will-cite", .. arguments, ":::", "a", "b"], "", keep: "t");
        Run ours = await RunAsync([Subproc.Plain().Program, .. Subproc.Plain().Arguments, "parallel", .. arguments, ":::", "a", "b"], "", keep: "t");

        // The names are random: each line is the tag and t/parXXXXX.par, and the files hold the outputs.
        Assert.Matches(@"^a\tt/par[A-Za-z0-9_]{5}\.par\nb\tt/par[A-Za-z0-9_]{5}\.par\n$", gnu.Stdout);
        Assert.Matches(@"^a\tt/par[A-Za-z0-9_]{5}\.par\nb\tt/par[A-Za-z0-9_]{5}\.par\n$", ours.Stdout);
        Assert.Equal(["oa", "ob"], gnu.Kept);
        Assert.Equal(gnu.Kept, ours.Kept);
        Assert.Equal(gnu.ExitCode, ours.ExitCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Resume_with_results_runs_only_the_jobs_without_files_as_GNU_parallel_does()
    {
        static string Script(string parallel) =>
            $"{parallel} --results out echo ::: a b && {parallel} --resume --results out echo again ::: a b c";
        Run gnu = await RunAsync(["sh", "-c", Script("parallel --will-cite")], "");
        Run ours = await RunAsync(["sh", "-c", Script($"{Subproc.ShellPrefix} parallel")], "");

        Assert.Contains("out/1/c/stdout: again c\n", gnu.Files, StringComparison.Ordinal);
        Assert.Contains("out/1/a/stdout: a\n", gnu.Files, StringComparison.Ordinal);
        Assert.Equal(gnu.Files, ours.Files);
        Assert.Equal(gnu.ExitCode, ours.ExitCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--files -u echo ::: a", "--files keeps each job's output in a file and -u prints it as it comes: give one of them")]
    [InlineData("--results out.csv --line-buffer echo ::: a", "--results out.csv keeps the output in one table and --line-buffer prints it: drop --line-buffer, or give --results a directory")]
    [InlineData("--results out.tsv --files echo ::: a", "--results out.tsv keeps the output in one table and --files prints it: drop --files, or give --results a directory")]
    [InlineData("--tmpdir missing --files echo ::: a", "--tmpdir missing: no such directory; make it first (mkdir -p missing)")]
    public async Task Mixes_whose_output_GNU_parallel_makes_something_else_of_are_refused_with_one_line(string commandLine, string message)
    {
        Run ours = await RunAsync([Subproc.Plain().Program, .. Subproc.Plain().Arguments, "parallel", .. Words(commandLine)], "");

        Assert.Equal($"subproc: {message}\n", ours.Stderr);
        Assert.Equal(2, ours.ExitCode);
        Assert.Equal("", ours.Stdout);
        Assert.Equal("", ours.Files); // nothing run, no table made
    }

    private sealed record Run(string Stdout, int ExitCode, string Files, string Stderr = "")
    {
        /// <summary>The contents of the files the stdout's lines name (after a tab, if tagged).</summary>
        public IReadOnlyList<string> Kept { get; init; } = [];
    }

    /// <summary>Runs <paramref name="command"/> in a fresh directory; returns its stdout, exit code and the files it
    /// left (start times and run times, in job logs and --results tables, masked), and with <paramref name="keep"/>,
    /// a directory made for it beforehand, the contents of the files its stdout names.</summary>
    private static async Task<Run> RunAsync(string[] command, string stdin, string? keep = null)
    {
        string dir = Directory.CreateTempSubdirectory("subproc-gnu-").FullName;
        try
        {
            if (keep is not null)
            {
                Directory.CreateDirectory(Path.Combine(dir, keep));
            }
            if (stdin.StartsWith("file:", StringComparison.Ordinal))
            {
                File.WriteAllText(Path.Combine(dir, "in"), Expand(stdin["file:".Length..]));
                stdin = "";
            }
            stdin = Expand(stdin);
            CapturedResult result = await Command.Create(command[0], command[1..])
                .WithWorkingDirectory(dir)
                .WithEnvironment("PARALLEL_HOME", Path.Combine(dir, ".parallel"))
                .WithCheck(false).WithTimeout(TimeSpan.FromSeconds(60))
                .CaptureAsync(stdin);
            string files = string.Join("\n", Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                .Where(file => !file.Contains("/.parallel", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Where(file => keep is null || !file.StartsWith(Path.Combine(dir, keep), StringComparison.Ordinal))
                .Select(file => $"{Path.GetRelativePath(dir, file)}: {File.ReadAllText(file)}"));
            string[] kept = keep is null ? [] : [.. result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => File.ReadAllText(Path.Combine(dir, line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..])))];
            return new Run(Timeless(result.StdoutText), result.ExitStatus.ReturnCode & 0xff, Timeless(files), result.StderrText) { Kept = kept };
        }
        catch (ProcessStartException e) when (command[0] == "parallel")
        {
            throw new InvalidOperationException("GNU parallel is not installed: these specs compare against it (apt-get install parallel).", e);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A job's start time and run time, side by side in a job log or a --results table, masked: they differ per run.</summary>
    private static string Timeless(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\d{10}\.\d{3}(\t|,|, ""JobRuntime"": ) *\d+\.\d{3}", "T${1}R");

    /// <summary>"seq:N" as seq N writes it; anything else as it is.</summary>
    private static string Expand(string text) => text.StartsWith("seq:", StringComparison.Ordinal)
        ? string.Concat(Enumerable.Range(1, int.Parse(text[4..], System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"{i}\n"))
        : text;

    private static string Sorted(string lines) => string.Join("\n", lines.Split('\n').Order(StringComparer.Ordinal));

    /// <summary>Splits a command line at spaces, keeping '...' together (without the quotes).</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
        {
            words.Add(word.ToString());
        }
        return [.. words];
    }
}

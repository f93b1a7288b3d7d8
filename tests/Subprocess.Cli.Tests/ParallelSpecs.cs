using System.Diagnostics;

namespace Subprocess.Cli.Tests;

/// <summary>`subproc parallel` end to end: the built tool, real commands, exact output.</summary>
public class ParallelSpecs : Spec
{
    [Fact(Timeout = 60_000)]
    public async Task It_runs_the_template_for_every_input_in_order_with_keep_order()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "-k", "-j", "3", "echo", "item {} #{#}", ":::", "a", "b", "c", "d");

        Assert.Equal(0, result.ExitStatus.Code);
        Assert.Equal("item a #1\nitem b #2\nitem c #3\nitem d #4\n", result.StdoutText);
        Assert.Equal("", result.StderrText); // as GNU parallel: nothing when all went well
    }

    [Fact(Timeout = 60_000)]
    public async Task Ten_half_second_sleeps_run_side_by_side_with_j_10()
    {
        var clock = Stopwatch.StartNew();
        CapturedResult result = await Subproc.RunAsync(["parallel", "-j", "10", "sleep", ":::", .. Enumerable.Repeat("0.5", 10)]);

        Assert.Equal(0, result.ExitStatus.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // includes the tool's own start-up
    }

    [Fact(Timeout = 60_000)]
    public async Task Output_of_each_job_is_grouped_never_interleaved()
    {
        // Each job writes three lines with pauses between; grouped output keeps each job's lines together.
        CapturedResult result = await Subproc.RunAsync("parallel", "-j", "4", "--shell", "for i in 1 2 3; do echo {}$i; sleep 0.05; done", ":::", "a", "b", "c", "d");

        var lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        for (int job = 0; job < 4; job++)
        {
            Assert.Single(lines.Skip(job * 3).Take(3).Select(l => l[0]).Distinct());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Pipes_and_redirections_in_the_template_run_without_a_shell()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-cli-").FullName;
        try
        {
            CapturedResult result = await Subproc.RunAsync("parallel", "printf 'b\\na\\nb\\n' | sort | uniq -c > " + dir + "/{}.out", ":::", "x", "y");

            Assert.Equal(0, result.ExitStatus.Code);
            Assert.Equal(["1 a", "2 b"], File.ReadAllLines(Path.Combine(dir, "x.out")).Select(l => l.Trim()));
            Assert.True(File.Exists(Path.Combine(dir, "y.out")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_exit_code_counts_failed_jobs()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "--shell", "exit {}", ":::", "0", "1", "2", "0", "3");
        Assert.Equal(3, result.ExitStatus.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Tag_dry_run_and_stdin_inputs()
    {
        CapturedResult tagged = await Subproc.RunAsync("parallel", "-k", "--tag", "echo", "{2}", ":::", "a", ":::", "1", "2");
        Assert.Equal("a 1\t1\na 2\t2\n", tagged.StdoutText);

        CapturedResult dry = await Subproc.RunAsync("parallel", "--dry-run", "gzip -k {} > {.}.gz", ":::", "f.txt");
        Assert.Equal("gzip -k f.txt > f.gz\n", dry.StdoutText);

        CapturedResult piped = await Subproc.RunWithInputAsync("one\ntwo\n", "parallel", "-k", "echo", "[{}]");
        Assert.Equal("[one]\n[two]\n", piped.StdoutText);
    }

    [Fact(Timeout = 60_000)]
    public async Task Timeouts_and_retries_apply_per_job()
    {
        var clock = Stopwatch.StartNew();
        CapturedResult timedOut = await Subproc.RunAsync("parallel", "--timeout", "300ms", "sleep", ":::", "30");
        Assert.Equal(1, timedOut.ExitStatus.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");

        string counter = Path.GetTempFileName();
        try
        {
            CapturedResult retried = await Subproc.RunAsync("parallel", "--retries", "3", "--shell", $"echo x >> {counter}; [ $(wc -l < {counter}) -ge {{}} ]", ":::", "2");
            Assert.Equal(0, retried.ExitStatus.Code);
            Assert.Equal(2, File.ReadAllLines(counter).Length);
        }
        finally
        {
            File.Delete(counter);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_job_log_has_GNU_parallels_columns()
    {
        string log = Path.GetTempFileName();
        try
        {
            await Subproc.RunAsync("parallel", "-k", "--joblog", log, "--shell", "echo {}; exit {}", ":::", "0", "4");
            string[] lines = File.ReadAllLines(log);

            Assert.Equal("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand", lines[0]);
            string[] second = lines.Single(l => l.StartsWith("2\t", StringComparison.Ordinal)).Split('\t');
            Assert.Equal(["2", ":"], second[..2]);
            Assert.Equal(["0", "2", "4", "0"], second[4..8]);
            Assert.Contains("exit 4", second[8]);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("-j1")]
    [InlineData("-j", "1")]
    [InlineData("--jobs=1")]
    public async Task A_short_options_value_may_be_joined_to_it_as_in_GNU_parallel(params string[] jobs)
    {
        // One at a time: every job runs in slot 1, the template's own -n is left to echo.
        CapturedResult result = await Subproc.RunAsync(["parallel", .. jobs, "-k", "echo", "-n", "{%}{}", ":::", "a", "b", "c"]);

        Assert.Equal(0, result.ExitStatus.Code);
        Assert.Equal("1a1b1c", result.StdoutText);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("parallel", "-j")]
    [InlineData("parallel", "--pipe", "wc", ":::", "a")]
    [InlineData("parallel", "echo", "{= s/a/b/ =}", ":::", "a")]
    [InlineData("parallel", "-I", "", "echo", ":::", "a")]
    [InlineData("parallel", "-q", "--shell", "echo", ":::", "a")]
    [InlineData("parallel", "--group", "-u", "echo", ":::", "a")]
    [InlineData("parallel", "-r", "--pipe", "wc")]
    [InlineData("parallel", "--arg-sep", "::::", "echo", "::::", "a")]
    [InlineData("parallel", "echo", "{99999999999}", ":::", "a")]
    [InlineData("parallel", "--pipe", "--halt", "soon,fail=10%", "wc")]
    [InlineData("parallel", "--pipe", "--eta", "wc")]
    [InlineData("parallel", "--pipe-part", "--shuf", "-a", "/dev/null", "wc")]
    [InlineData("parallel", "-g", "echo", ":::", "a")]
    [InlineData("parallel", "--pipe-part", "wc")]
    [InlineData("parallel", "--pipe", "--block", "0", "wc")]
    [InlineData("parallel", "--pipe", "--block", "2X", "wc")]
    [InlineData("parallel", "-X", "-m", "echo", ":::", "a")]
    [InlineData("parallel", "-n", "-1", "echo", ":::", "a")]
    [InlineData("parallel", "-jx", "echo", ":::", "a")]
    [InlineData("parallel", "--nope", "echo")]
    [InlineData("parallel", "echo $HOME", ":::", "a")]
    [InlineData("parallel", "echo 'open", ":::", "a")]
    [InlineData("parallel", "--timeout", "soon", "echo", ":::", "a")]
    [InlineData("parallel", "-j", "-100000", "echo", ":::", "a")]
    [InlineData("parallel", "-j", "many", "echo", ":::", "a")]
    [InlineData("nonsense")]
    public async Task Usage_errors_exit_2_with_one_line_and_no_stack_trace(params string[] arguments)
    {
        CapturedResult result = await Subproc.RunAsync(arguments);

        Assert.Equal(2, result.ExitStatus.Code);
        Assert.StartsWith("subproc: ", result.StderrText);
        Assert.DoesNotContain("   at ", result.StderrText);
        Assert.Empty(result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_empty_input_runs_nothing_and_exits_0()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "echo", ":::");
        Assert.Equal(0, result.ExitStatus.Code);
        Assert.Empty(result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Resume_skips_what_ran_and_resume_failed_reruns_only_failures()
    {
        string log = Path.GetTempFileName();
        File.Delete(log);
        try
        {
            string[] job = ["-k", "--joblog", log, "--shell", "echo {#}; exit {}", ":::", "0", "1", "0"];
            await Subproc.RunAsync(["parallel", .. job]);

            CapturedResult resumed = await Subproc.RunAsync(["parallel", "--resume", .. job]);
            Assert.Empty(resumed.Stdout);

            CapturedResult failedOnly = await Subproc.RunAsync(["parallel", "--resume-failed", .. job]);
            Assert.Equal("2\n", failedOnly.StdoutText); // the original job number, not 1

            Assert.Equal(5, File.ReadAllLines(log).Length); // header, three jobs, one rerun
            CapturedResult usage = await Subproc.RunAsync("parallel", "--resume", "echo", ":::", "a");
            Assert.Equal(2, usage.ExitStatus.Code);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Line_buffer_prints_whole_lines_as_they_come()
    {
        // Two jobs write a line, wait, write again: with --line-buffer their lines interleave, each whole.
        CapturedResult result = await Subproc.RunAsync("parallel", "-j", "2", "--line-buffer", "--tag", "--shell",
            "echo {}-first; sleep 1; echo {}-second", ":::", "a", "b");

        string[] lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^(a\ta|b\tb)-(first|second)$", line));
        Assert.EndsWith("-first", lines[1]); // both firsts came before either second
    }

    [Fact(Timeout = 60_000)]
    public async Task The_exit_code_is_capped_at_101_and_j_0_runs_everything_at_once()
    {
        var clock = Stopwatch.StartNew();
        CapturedResult result = await Subproc.RunAsync(["parallel", "-j", "0", "--shell", "sleep 0.5; exit 1", ":::", .. Enumerable.Range(1, 105).Select(i => i.ToString())]);

        Assert.Equal(101, result.ExitStatus.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: -j 0 should run them side by side");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_2_redirect_sends_that_stages_stderr_to_a_file_and_2_append_adds_to_it()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-cli-").FullName;
        try
        {
            string template = $"sh -c 'echo out; echo err{{}} >&2' 2>{dir}/{{}}.err | tr a-z A-Z";
            CapturedResult result = await Subproc.RunAsync("parallel", template, ":::", "x");
            CapturedResult appended = await Subproc.RunAsync("parallel", template.Replace("2>", "2>>", StringComparison.Ordinal), ":::", "x");

            Assert.Equal("OUT\n", result.StdoutText);
            Assert.DoesNotContain("errx", result.StderrText + appended.StderrText);
            Assert.Equal("errx\nerrx\n", File.ReadAllText(Path.Combine(dir, "x.err")));

            CapturedResult dry = await Subproc.RunAsync("parallel", "--dry-run", "grep x {} 2>err.txt", ":::", "a");
            Assert.Equal("grep x a 2> err.txt\n", dry.StdoutText);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("ls ~")]
    [InlineData("touch {a,b}.txt")]
    [InlineData("echo a #comment")]
    public async Task Tildes_braces_and_comments_are_refused_with_a_pointer_to_shell(string template)
    {
        CapturedResult result = await Subproc.RunAsync("parallel", template, ":::", "a");

        Assert.Equal(2, result.ExitStatus.Code);
        Assert.StartsWith("subproc: ", result.StderrText);
        Assert.Contains("--shell", result.StderrText);
        Assert.DoesNotContain("   at ", result.StderrText);
        Assert.Empty(result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Line_buffer_keeps_a_2_to_1_on_a_stage_before_a_pipe()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "--line-buffer", "sh -c 'echo err{} >&2' 2>&1 | tr a-z A-Z", ":::", "x");

        Assert.Equal("ERRX\n", result.StdoutText);
        Assert.DoesNotContain("errx", result.StderrText);
    }

    [Fact(Timeout = 60_000)]
    public async Task Line_buffer_completes_each_stages_stderr_lines_on_their_own()
    {
        // Both stages leave half a line on stderr while the other writes: neither half may join the other's.
        CapturedResult result = await Subproc.RunAsync("parallel", "--line-buffer",
            "sh -c 'printf one >&2; sleep 0.3; echo -1 >&2' | sh -c 'sleep 0.1; printf two >&2; sleep 0.4; echo -2 >&2'", ":::", "x");

        string[] lines = result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["one-1", "two-2"], lines.Where(l => !l.StartsWith("subproc:", StringComparison.Ordinal)).Order());
    }

    [Fact(Timeout = 120_000)]
    public async Task X_packs_a_hundred_thousand_inputs_into_few_command_lines_each_within_the_limit()
    {
        string inputs = string.Concat(Enumerable.Range(1, 100_000).Select(i => $"{i}\n"));

        CapturedResult result = await Subproc.RunWithInputAsync(inputs, "parallel", "-k", "-X", "echo");

        string[] lines = result.StdoutText.TrimEnd('\n').Split('\n');
        Assert.Equal(0, result.ExitStatus.Code);
        Assert.InRange(lines.Length, 2, 12); // as xargs: a handful of echo calls, not 100,000
        Assert.All(lines, line => Assert.True(line.Length < 128 * 1024, $"a command line of {line.Length} bytes"));
        Assert.Equal(Enumerable.Range(1, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            lines.SelectMany(line => line.Split(' ')));
    }

    [Fact(Timeout = 120_000)]
    public async Task Pipe_hands_every_byte_to_some_job_once_and_a_job_that_reads_none_is_no_failure()
    {
        string input = string.Concat(Enumerable.Range(1, 200_000).Select(i => $"{i}\n"));

        CapturedResult counted = await Subproc.RunWithInputAsync(input, "parallel", "--pipe", "--block", "100K", "wc", "-c");
        CapturedResult ignored = await Subproc.RunWithInputAsync(input, "parallel", "--pipe", "--block", "100K", "true");

        Assert.Equal(0, counted.ExitStatus.Code);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(input), counted.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(int.Parse));
        Assert.True(counted.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 10, "the input was not cut into blocks");
        Assert.Equal(0, ignored.ExitStatus.Code); // GNU parallel's code depends on a race with its writer here
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Cli.Tests;

/// <summary>
/// <c>subproc parallel -S</c>: jobs over three sshd on loopback (<see cref="SshLab"/>), side by side with
/// GNU parallel <c>-S</c> on the same servers; a host down from the start or lost mid-run, whose jobs
/// run on the others; and Ctrl-C, which leaves nothing running on the hosts.
/// </summary>
[Collection(SshLabSpecs.Name)]
public class SshloginSpecs(SshLab lab) : Spec
{
    private string SshCommand => $"ssh -F {lab.ConfigFile}";

    /// <summary>GNU parallel with <paramref name="arguments"/>, its home in the lab's folder, unchecked.</summary>
    private Command GnuParallel(string[] arguments) => Command.Create("parallel", ["--will-cite", .. arguments])
        .WithEnvironment("PARALLEL_HOME", Path.Combine(lab.Folder, "parallel-home")).WithCheck(false).WithTimeout(TimeSpan.FromSeconds(60));

    [SshFact]
    public async Task Jobs_spread_over_the_hosts_each_once_and_the_job_log_names_each_ones_host()
    {
        string log = Path.Combine(lab.Folder, $"joblog-{Guid.NewGuid():N}");
        string[] inputs = [.. Enumerable.Range(1, 12).Select(i => $"{i}")];
        CapturedResult result = await Subproc.RunAsync(["parallel", "-k", "-S", "1/lab1,1/lab2", "-S", "1/lab3", "--ssh", SshCommand, "--joblog", log,
            "echo {} $PARALLEL_SEQ; sleep 0.1", ":::", .. inputs]);
        Assert.Equal((0, ""), (result.ExitStatus.Code!.Value, result.StderrText));
        Assert.Equal(string.Concat(inputs.Select(i => $"{i} {i}\n")), result.StdoutText);
        string[][] rows = [.. File.ReadAllLines(log).Skip(1).Select(line => line.Split('\t'))];
        Assert.Equal(inputs, rows.Select(row => row[0]).Order(StringComparer.Ordinal).OrderBy(int.Parse));
        Assert.Equal(["lab1", "lab2", "lab3"], rows.Select(row => row[1]).Distinct().Order(StringComparer.Ordinal));
    }

    public static TheoryData<string[]> CommandLines => new()
    {
        { ["echo {} | tr a-z A-Z", ":::", "one", "two words", "it's", "$HOME", "a;b"] },
        { ["printf '%s\\n' {} {.} {/}", ":::", "/x/y/file.tar.gz", "rel/a b.txt"] },
        { ["exit {}", ":::", "0", "3", "0", "1"] },
        { ["echo {1}-{2} >/dev/null; echo {2}{1}", ":::", "a", "b", ":::", "1", "2"] },
        { ["-q", "printf", "<%s>\\n", "{}", ":::", "a b", "*", "c'd"] },
    };

    [SshTheory]
    [MemberData(nameof(CommandLines))]
    public async Task The_same_command_lines_give_what_GNU_parallel_S_gives_on_the_same_servers(string[] commandLine)
    {
        string[] options = ["-k", "-S", "2/lab1,1/lab2", "--ssh", SshCommand];
        CapturedResult gnu = await GnuParallel([.. options, .. commandLine]).WithStdin(Stdio.Null).CaptureAsync();
        CapturedResult ours = await Subproc.RunAsync(["parallel", .. options, .. commandLine]);
        Assert.Equal((gnu.StdoutText, gnu.ExitStatus.Code), (ours.StdoutText, ours.ExitStatus.Code));
    }

    [SshFact]
    public async Task Inputs_from_stdin_all_run_and_no_job_reads_stdin()
    {
        // ssh reads this process's stdin on a session's behalf unless told not to: the inputs must all reach the jobs.
        string[] inputs = [.. Enumerable.Range(1, 50).Select(i => $"{i}")];
        CapturedResult result = await Subproc.RunWithInputAsync(string.Concat(inputs.Select(i => $"{i}\n")),
            "parallel", "-k", "-S", "lab1,lab2", "--ssh", SshCommand, "cat; echo {}");
        Assert.Equal(string.Concat(inputs.Select(i => $"{i}\n")), result.StdoutText);
    }

    [SshFact]
    public async Task Jobs_see_their_login_and_host_as_GNU_parallel_gives_them()
    {
        // One host, so that which job runs where is not the schedulers' choice.
        string[] arguments = ["-k", "-S", "2/lab3", "--ssh", SshCommand, "echo {} $PARALLEL_SSHLOGIN $PARALLEL_SSHHOST", ":::", "a", "b"];
        CapturedResult gnu = await GnuParallel(arguments).WithStdin(Stdio.Null).CaptureAsync();
        CapturedResult ours = await Subproc.RunAsync(["parallel", .. arguments]);
        Assert.Equal("a lab3 lab3\nb lab3 lab3\n", gnu.StdoutText);
        Assert.Equal(gnu.StdoutText, ours.StdoutText);
    }

    [SshFact]
    public async Task A_host_that_cannot_be_reached_is_down_from_the_start_and_its_share_runs_on_the_others()
    {
        CapturedResult result = await Subproc.RunAsync(["parallel", "-k", "-S", $"1/lab1,1/ssh -F {lab.ConfigFile} -o Port=1 lab2", "--ssh", SshCommand,
            "echo {}", ":::", "1", "2", "3", "4"]);
        Assert.Equal("1\n2\n3\n4\n", result.StdoutText);
        Assert.Equal(0, result.ExitStatus.Code);
        Assert.Contains("1 host(s) went down", result.StderrText);
        Assert.Contains("lab2", result.StderrText);
    }

    [SshFact]
    public async Task A_host_lost_mid_run_has_its_jobs_run_once_on_the_others_without_failing_them()
    {
        var own = new SshLab();
        await own.InitializeAsync();
        try
        {
            string[] inputs = [.. Enumerable.Range(1, 24).Select(i => $"{i}")];
            using ChildProcess subproc = Subproc.Plain(["parallel", "-S", "2/lab1,2/lab2", "--ssh", $"ssh -F {own.ConfigFile}", "--line-buffer",
                "sleep 0.3; echo {}", ":::", .. inputs]).WithStdin(Stdio.Null).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
            var output = new StreamReader(subproc.Stdout);
            var lines = new List<string> { (await output.ReadLineAsync())! };
            own.StopServer(2);
            Task<string> errors = new StreamReader(subproc.Stderr).ReadToEndAsync();
            lines.AddRange((await output.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            ExitStatus status = await subproc.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(inputs.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
            Assert.Equal(0, status.Code);
            Assert.Contains("lab2", await errors);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [SshFact]
    public async Task Ctrl_C_leaves_nothing_running_on_the_hosts()
    {
        await using ChildProcess subproc = Subproc.Interruptible("parallel", "-S", "1/lab1,1/lab3", "--ssh", SshCommand, "--line-buffer",
            "echo started; sleep 1011 & sleep 1011", ":::", "1", "2", "3").WithStdout(Stdio.Pipe).Start();
        var output = new StreamReader(subproc.Stdout);
        Assert.Equal("started", await output.ReadLineAsync());
        Assert.Equal("started", await output.ReadLineAsync());
        SshLab.WaitFor("sleep\01011");
        subproc.Signal(2);
        Assert.Equal(255, (await subproc.WaitAsync(TimeSpan.FromSeconds(60))).Code);
        SshLab.AssertGone("sleep\01011");
    }

    [SshFact]
    public async Task Transfer_return_and_cleanup_make_a_round_trip_and_leave_nothing_there()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-trc-").FullName;
        string sub = $"in-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
            File.WriteAllText(Path.Combine(dir, sub, "a.txt"), "hello\n");
            File.WriteAllText(Path.Combine(dir, sub, "b c.txt"), "it's\n");
            // A name tar would read as an option, were it not passed as ./--remove-files.
            File.WriteAllText(Path.Combine(dir, "--remove-files"), "dash\n");
            CapturedResult result = await Subproc.Plain(["parallel", "-S", "lab1,lab2", "--ssh", SshCommand, "--trc", "{}.out",
                "tr a-z A-Z < ./{} > ./{}.out; echo done", ":::", $"{sub}/a.txt", $"{sub}/b c.txt", "--remove-files"])
                .WithWorkingDirectory(dir).WithStdin(Stdio.Null).WithCheck(false).CaptureAsync();
            Assert.Equal((0, "done\ndone\ndone\n"), (result.ExitStatus.Code!.Value, result.StdoutText));
            Assert.Equal("dash\n", File.ReadAllText(Path.Combine(dir, "--remove-files")));
            Assert.Equal("DASH\n", File.ReadAllText(Path.Combine(dir, "--remove-files.out")));
            Assert.Equal("HELLO\n", File.ReadAllText(Path.Combine(dir, sub, "a.txt.out")));
            Assert.Equal("IT'S\n", File.ReadAllText(Path.Combine(dir, sub, "b c.txt.out")));
            foreach (int n in new[] { 1, 2 })
            {
                using SshHost host = lab.Host(n);
                Assert.Equal("", Command.Shell($"ls -d {sub} 2>/dev/null; true").OnHost(host).Capture().StdoutText);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SshFact]
    public async Task Transfer_and_return_bring_back_what_GNU_parallel_brings_back()
    {
        string[] outputs = new string[2];
        for (int i = 0; i < 2; i++)
        {
            string dir = Directory.CreateTempSubdirectory("subproc-trc-").FullName;
            string sub = $"in-{Guid.NewGuid():N}";
            try
            {
                Directory.CreateDirectory(Path.Combine(dir, sub));
                File.WriteAllText(Path.Combine(dir, sub, "x.txt"), "one\ntwo\n");
                string[] arguments = ["-S", "lab1", "--ssh", SshCommand, "--transfer", "--return", "{.}.count", "--cleanup", "wc -l < {} > {.}.count; cat {}", ":::", $"{sub}/x.txt"];
                Command run = i == 0 ? GnuParallel(arguments) : Subproc.Plain(["parallel", .. arguments]).WithCheck(false);
                CapturedResult result = await run.WithWorkingDirectory(dir).WithStdin(Stdio.Null).CaptureAsync();
                outputs[i] = $"{result.ExitStatus} {result.StdoutText} {File.ReadAllText(Path.Combine(dir, sub, "x.count"))}";
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        Assert.Equal(outputs[0], outputs[1]);
    }

    [SshFact]
    public async Task A_new_workdir_each_job_and_variables_given_by_name()
    {
        CapturedResult result = await Subproc.Plain(["parallel", "-S", "lab3", "--ssh", SshCommand, "--wd", "...", "--cleanup", "--env", "SUBPROC_SPEC_VALUE",
            "pwd; printf '%s\\n' \"$SUBPROC_SPEC_VALUE\"", ":::", "1"])
            .WithEnvironment("SUBPROC_SPEC_VALUE", "a b; $(x)").WithStdin(Stdio.Null).WithCheck(false).CaptureAsync();
        string[] lines = result.StdoutText.Split('\n');
        Assert.Matches(@"/\.parallel/tmp/lab3-\d+-1$", lines[0]);
        Assert.Equal("a b; $(x)", lines[1]);
        using SshHost host = lab.Host(3);
        Assert.Equal("gone\n", Command.Shell($"test -d {lines[0]} || echo gone").OnHost(host).Capture().StdoutText);
    }

    [SshFact]
    public async Task A_basefile_reaches_every_host_before_the_first_job_and_cleanup_removes_it()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-bf-").FullName;
        string name = $"base-{Guid.NewGuid():N}.txt";
        try
        {
            File.WriteAllText(Path.Combine(dir, name), "shared\n");
            CapturedResult result = await Subproc.Plain(["parallel", "-k", "-S", "1/lab1,1/lab2", "--ssh", SshCommand, "--bf", name, "--cleanup",
                $"cat {name} # {{}}", ":::", "1", "2", "3", "4"]).WithWorkingDirectory(dir).WithStdin(Stdio.Null).WithCheck(false).CaptureAsync();
            Assert.Equal((0, string.Concat(Enumerable.Repeat("shared\n", 4))), (result.ExitStatus.Code!.Value, result.StdoutText));
            using SshHost host = lab.Host(2);
            Assert.Equal("gone\n", Command.Shell($"test -e {name} || echo gone").OnHost(host).Capture().StdoutText);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Cli.Tests;

/// <summary>Ctrl-C: the first stops launching and ends the running jobs' trees; a second kills them.</summary>
public class InterruptSpecs : Spec
{
    private static async Task<(ChildProcess Subproc, StreamReader Output)> StartParallel(string marker, string script)
    {
        ChildProcess subproc = Subproc.Interruptible("parallel", "-j", "2", "--line-buffer", "--shell", script, ":::", "1", "2", "3", "4")
            .Marked(marker).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        var output = new StreamReader(subproc.Stdout);
        Assert.Equal("started", await output.ReadLineAsync());
        Assert.Equal("started", await output.ReadLineAsync());
        return (subproc, output);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_first_Ctrl_C_ends_running_jobs_and_starts_no_more()
    {
        string marker = $"subproc-int-{Guid.NewGuid():N}";
        (ChildProcess subproc, StreamReader output) = await StartParallel(marker, "echo started; sleep 30");
        await using ChildProcess owned = subproc;

        subproc.Signal(2);
        ExitStatus status = await subproc.WaitAsync();
        string rest = await output.ReadToEndAsync();

        Assert.Equal(255, status.Code); // GNU parallel's code for an interrupted run
        Assert.DoesNotContain("started", rest); // the two inputs left were not started
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_Ctrl_C_kills_jobs_that_ignore_SIGTERM()
    {
        string marker = $"subproc-int2-{Guid.NewGuid():N}";
        // A job that says so when SIGTERM comes, and goes on: `wait` returns at the trapped signal.
        (ChildProcess subproc, StreamReader output) = await StartParallel(marker, "trap 'echo ignored' TERM; echo started; : {}; while :; do sleep 30 & wait $!; done");
        await using ChildProcess owned = subproc;

        subproc.Signal(2);
        Assert.Equal("ignored", await output.ReadLineAsync()); // both jobs got the first interrupt's SIGTERM
        Assert.Equal("ignored", await output.ReadLineAsync());
        Assert.True(ProcessTree.AnyRunning(marker));
        subproc.Signal(2);

        Assert.Equal(255, (await subproc.WaitAsync()).Code);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task No_job_starts_after_the_first_Ctrl_C_while_the_running_ones_take_their_time_to_end()
    {
        // After SIGTERM the first job ends at once and the second a second and a half later: a window in
        // which the first's freed slot must not start the next job.
        string marker = $"subproc-int3-{Guid.NewGuid():N}";
        ChildProcess subproc = Subproc.Interruptible("parallel", "-j", "2", "--line-buffer", "--shell",
                "trap 'sleep {}; exit 1' TERM; echo started; sleep 30 & wait", ":::", "0.1", "1.5", "0.1", "0.1")
            .Marked(marker).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        await using ChildProcess owned = subproc;
        var output = new StreamReader(subproc.Stdout);
        Assert.Equal("started", await output.ReadLineAsync());
        Assert.Equal("started", await output.ReadLineAsync());

        subproc.Signal(2);
        ExitStatus status = await subproc.WaitAsync();
        string rest = await output.ReadToEndAsync();

        Assert.Equal(255, status.Code);
        Assert.DoesNotContain("started", rest); // no job started in the slot the first one freed
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Cli.Tests;

/// <summary>Ctrl-C: the first stops launching and ends the running jobs' trees; a second kills them.</summary>
public class InterruptSpecs
{
    private static async Task<ChildProcess> StartParallel(string marker, string script)
    {
        ChildProcess subproc = Subproc.Plain("parallel", "-j", "2", "--line-buffer", "--shell", script, ":::", "1", "2", "3", "4")
            .Marked(marker).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        var reader = new StreamReader(subproc.Stdout);
        Assert.Equal("started", await reader.ReadLineAsync());
        Assert.Equal("started", await reader.ReadLineAsync());
        return subproc;
    }

    [Fact(Timeout = 60_000)]
    public async Task The_first_Ctrl_C_ends_running_jobs_and_starts_no_more()
    {
        string marker = $"subproc-int-{Guid.NewGuid():N}";
        await using ChildProcess subproc = await StartParallel(marker, "echo started; sleep 30");

        subproc.Signal(2);
        ExitStatus status = await subproc.WaitAsync();
        string summary = await new StreamReader(subproc.Stderr).ReadToEndAsync();

        Assert.Equal(130, status.Code);
        Assert.Contains("interrupted with 2 not started", summary);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_Ctrl_C_kills_jobs_that_ignore_SIGTERM()
    {
        string marker = $"subproc-int2-{Guid.NewGuid():N}";
        await using ChildProcess subproc = await StartParallel(marker, "trap '' TERM; echo started; sleep 30");

        subproc.Signal(2);
        await Task.Delay(300); // the first interrupt's SIGTERM is ignored by the jobs
        Assert.True(ProcessTree.AnyRunning(marker));
        subproc.Signal(2);

        Assert.Equal(130, (await subproc.WaitAsync()).Code);
        Assert.True(await ProcessTree.GoneWithin(marker, TimeSpan.FromSeconds(10)));
    }
}

using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Exit statuses are known even when the kernel, not this library, reaped the child.</summary>
public class ReapingSpecs : Spec
{
    [NativeFact("waits through Process, which cannot read back a status the kernel reaped", Timeout = 60_000)]
    public async Task With_SIGCHLD_ignored_the_status_comes_back_through_the_pidfd()
    {
        // Needs PIDFD_INFO_EXIT (Linux 6.15+), which every machine of this project has.
        CapturedResult result = await TestChildProgram.Verb("reaped-by-kernel").WithTimeout(TimeSpan.FromSeconds(50)).CaptureAsync();
        Assert.Equal("7 -15 0\n", result.StdoutText); // the last: runs that went wrong among 3,000 concurrent spawns
    }

    [NativeFact("holds children through Process, which has no pidfd to fail to open", Timeout = 60_000)]
    public async Task A_start_that_cannot_hold_its_child_ends_it_and_says_why()
    {
        string marker = $"subproc-unheld-{Guid.NewGuid():N}";
        try
        {
            CapturedResult result = await TestChildProgram.Verb("full-descriptor-table").Marked(marker).CaptureAsync();

            Assert.StartsWith("refused: Cannot start 'sleep': ", result.StdoutText);
            Assert.Contains("sleep started but could not be held (pidfd_open: ", result.StdoutText);
            Assert.Contains("Too many open files", result.StdoutText);
            Assert.EndsWith("children left: 0\n", result.StdoutText);
            Assert.False(ProcessTree.AnyRunning(marker), "the child that could not be held is still running");
        }
        finally
        {
            ProcessTree.KillMarked(marker);
        }
    }
}

using Subprocess.Spawning;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

public class ExitStatusSpecs : Spec
{
    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_death_by_SIGSEGV_is_reported_as_the_signal_and_an_exit_with_code_139_as_the_code(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        int toldApart = 0;
        // Several times: the portable spawner reads the status exactly only for a child it took hold of
        // before Process reaped it, which one that ends at once now and then escapes.
        for (int round = 0; round < 5; round++)
        {
            await using ChildProcess killed = Command.Shell("kill -SEGV $$").Start();
            await using ChildProcess exited = Command.Shell("exit 139").Start();
            ExitStatus killedStatus = await killed.WaitAsync();
            ExitStatus exitedStatus = await exited.WaitAsync();

            Assert.Equal(ExitStatus.Exited(139), exitedStatus);
            Assert.Equal(139, exitedStatus.ReturnCode);
            if (kind == SpawnerKind.Linux || (PortableTellsSignalsApart && ((PortableProcessControl)killed.Control).HasPidfd))
            {
                Assert.Equal(ExitStatus.Killed(11), killedStatus);
                Assert.Equal(-11, killedStatus.ReturnCode);
                Assert.Equal("killed by SIGSEGV", killedStatus.ToString());
                toldApart++;
            }
            else
            {
                // Documented (README, "Elsewhere"): Process reports both as 128+N, and so does the
                // portable spawner where it cannot read the status itself, unless it sent the signal.
                Assert.Equal(ExitStatus.Exited(139), killedStatus);
            }
        }
        Assert.True(toldApart > 0 || (kind == SpawnerKind.Portable && !PortableTellsSignalsApart),
            "the portable spawner never held a child in time to read its status");
    }

    /// <summary>Where the portable spawner can tell a death by signal N from an exit with code 128+N:
    /// Linux 6.15+, whose pidfds keep the wait status for whoever reaps the child; not under user-mode
    /// emulation, which passes on only the ioctls it knows (PIDFD_GET_INFO is not one).</summary>
    private static bool PortableTellsSignalsApart =>
        OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(6, 15) && !Emulation.IsUserMode;

    [Fact]
    public void An_exit_code_reads_as_code_and_return_code()
    {
        ExitStatus status = ExitStatus.Exited(3);
        Assert.Equal(3, status.Code);
        Assert.Null(status.Signal);
        Assert.Equal(3, status.ReturnCode);
        Assert.False(status.Success);
        Assert.Equal("exited with code 3", status.ToString());
    }

    [Fact]
    public void A_signal_reads_as_a_negative_return_code_and_a_name()
    {
        ExitStatus status = ExitStatus.Killed(15);
        Assert.Null(status.Code);
        Assert.Equal(15, status.Signal);
        Assert.Equal(-15, status.ReturnCode);
        Assert.False(status.Success);
        Assert.Equal("killed by SIGTERM", status.ToString());
        Assert.Equal("killed by SIGKILL", ExitStatus.Killed(9).ToString());
        Assert.Equal("killed by signal 40", ExitStatus.Killed(40).ToString());
    }

    [Fact]
    public void Zero_is_success_and_statuses_compare_by_value()
    {
        Assert.True(ExitStatus.Exited(0).Success);
        Assert.Equal(ExitStatus.Exited(0), ExitStatus.Exited(0));
        Assert.NotEqual(ExitStatus.Exited(9), ExitStatus.Killed(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExitStatus.Killed(0));
    }

    [Fact]
    public void The_default_status_is_no_status_and_never_success()
    {
        ExitStatus none = default;

        Assert.Null(none.Code);
        Assert.Null(none.Signal);
        Assert.False(none.Success);
        Assert.Equal("no status", none.ToString());
        Assert.NotEqual(ExitStatus.Exited(0), none);
        Assert.Equal(0, none.ReturnCode); // documented: test Code, not ReturnCode, where a default may turn up
    }
}

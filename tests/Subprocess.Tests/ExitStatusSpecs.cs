namespace Subprocess.Tests;

public class ExitStatusSpecs : Spec
{
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

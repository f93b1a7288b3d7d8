using Subprocess.Cli.Remote;
using Subprocess.Testing;

namespace Subprocess.Cli.Tests;

/// <summary>
/// <c>-S host</c> without <c>N/</c>: the host's job slots come from the cores it reports (<c>getconf
/// _NPROCESSORS_ONLN</c> over its connection), read against <c>--jobs</c>. Hosts that report odd counts are
/// hard to come by, so the specs fake them (<see cref="FakeProcesses"/>): the connection's ssh and the
/// remote getconf are scripted, and no child, local or remote, is started.
/// </summary>
public class HostSlotSpecs : Spec
{
    private const string Host = "web1.invalid";

    [Theory(Timeout = 20_000)]
    [InlineData("6\n", null, 6)]
    [InlineData("64\n", null, 8)]         // past sshd's 10 sessions a connection, less its own: capped
    [InlineData("6\n", "50%", 3)]
    [InlineData("64\n", "12", 12)]        // a count asks for that many all the same
    [InlineData("0\n", null, 1)]
    [InlineData("unknown\n", null, 1)]
    [InlineData("", null, 1)]
    public void A_host_gets_the_slots_its_reported_cores_give(string reported, string? jobs, int slots)
    {
        using var fake = FakeProcesses.Begin();
        FakeConnection(fake);
        fake.On("getconf", "_NPROCESSORS_ONLN").Returns(stdout: reported);

        using (Sshlogins logins = Sshlogins.Open([Host], [], ssh: null, jobs)!)
        {
            Assert.Equal(slots, logins.Slots);
        }

        FakeCall getconf = Assert.Single(fake.Calls, call => call.Program == "getconf");
        Assert.Equal(Host, getconf.Host);
        // What ran: the connection's ssh and the host's getconf, both fakes (the scope fails any other command).
        Assert.Equal(["ssh", "getconf"], fake.Calls.Select(call => call.Program));
    }

    [Fact(Timeout = 20_000)]
    public void A_host_without_getconf_gets_one_slot_and_its_connection_is_closed_at_the_end()
    {
        using var fake = FakeProcesses.Begin();
        FakeConnection(fake);
        fake.On("getconf", "_NPROCESSORS_ONLN").Returns(stderr: "sh: 1: getconf: not found\n", exitCode: 127);

        using (Sshlogins logins = Sshlogins.Open([Host], [], ssh: null, jobs: null)!)
        {
            Assert.Equal(1, logins.Slots);
            Assert.Null(logins.DownSummary());
        }

        // Closing the connection closes its ssh's stdin, which the anchor on the host takes as the end.
        FakeCall master = Assert.Single(fake.Calls, call => call.Program == "ssh");
        Assert.Equal(ExitStatus.Exited(0), master.ExitStatus);
        Assert.Contains(Host, master.Arguments);
    }

    /// <summary>The host's shared connection: its ssh says <c>ready</c> as the anchor does once the connection
    /// is up, and stays until its stdin closes (a fake reads a piped stdin to its end before it exits).</summary>
    private static void FakeConnection(FakeProcesses fake) =>
        fake.On(command => command.Program == "ssh" && command.Arguments.Contains("-M")).Returns(stdout: "ready\n");
}

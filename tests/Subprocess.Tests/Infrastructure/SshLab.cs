using System.Runtime.CompilerServices;
namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// Three OpenSSH servers on 127.0.0.1 (<c>scripts/ssh-lab</c>): keys, host keys and configs in a temporary
/// folder, hosts <c>lab1</c>..<c>lab3</c> in its <c>ssh_config</c>, stopped by PID at the end. The specs that
/// kill a server start a lab of their own.
/// </summary>
public sealed class SshLab : IAsyncLifetime
{
    private static readonly string Script = Path.Combine(Repository.Root, "scripts", "ssh-lab");

    public string Folder { get; } = Directory.CreateTempSubdirectory("subproc-lab-").FullName;

    public string ConfigFile => Path.Combine(Folder, "ssh_config");

    /// <summary>Why the lab cannot run here, or null: it needs OpenSSH's server, which .ci/run installs.</summary>
    public static string? Unavailable =>
        File.Exists("/usr/sbin/sshd") || File.Exists("/usr/bin/sshd") ? null : "needs OpenSSH's sshd (Debian's openssh-server, which .ci/run installs)";

    /// <summary>Host <paramref name="n"/> (1 to 3), with a connection of its own: dispose it in the spec.</summary>
    public SshHost Host(int n) => new($"lab{n}") { ConfigFile = ConfigFile };


    public async ValueTask InitializeAsync()
    {
        if (Unavailable is null)
        {
            await Command.Create("sh", Script, "start", Folder).WithStdout(Stdio.Null).RunAsync();
        }
    }

    /// <summary>Stops server <paramref name="n"/> and every connection it accepted, as a host that goes down.</summary>
    public void StopServer(int n) => Command.Create("sh", Script, "down", Folder, $"{n}").Run();

    /// <summary>How many processes here run exactly <paramref name="commandLine"/> (arguments NUL-separated):
    /// the lab's hosts are this machine, and a remote process does not inherit a marker variable.</summary>
    public static int Running(string commandLine)
    {
        int count = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                count += File.ReadAllText(Path.Combine(dir, "cmdline")).TrimEnd('\0') == commandLine ? 1 : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return count;
    }

    /// <summary>Waits until a process running <paramref name="commandLine"/> is there.</summary>
    public static void WaitFor(string commandLine) =>
        Assert.True(SpinWait.SpinUntil(() => Running(commandLine) > 0, TimeSpan.FromSeconds(20)), $"nothing ran {commandLine.Replace('\0', ' ')}");

    /// <summary>Asserts that, within a few seconds, no process running <paramref name="commandLine"/> is left.</summary>
    public static void AssertGone(string commandLine) =>
        Assert.True(SpinWait.SpinUntil(() => Running(commandLine) == 0, TimeSpan.FromSeconds(10)),
            $"{Running(commandLine)} process(es) running {commandLine.Replace('\0', ' ')} were left on the host");

    public async ValueTask DisposeAsync()
    {
        if (Unavailable is null)
        {
            await Command.Create("sh", Script, "stop", Folder).RunAsync();
        }
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>The specs that share one <see cref="SshLab"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SshLabSpecs : ICollectionFixture<SshLab>
{
    public const string Name = "ssh lab";
}

/// <summary>A spec that needs the <see cref="SshLab"/>: skipped, with the reason, where sshd is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SshFactAttribute : FactAttribute
{
    public SshFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (SshLab.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Subprocess.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        return directory ?? throw new InvalidOperationException("The tests run outside the repository: no Subprocess.slnx above " + AppContext.BaseDirectory);
    }
}

/// <summary>A theory that needs the <see cref="SshLab"/>: skipped, with the reason, where sshd is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SshTheoryAttribute : TheoryAttribute
{
    public SshTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (SshLab.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

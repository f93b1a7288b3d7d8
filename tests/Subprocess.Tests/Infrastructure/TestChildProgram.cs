namespace Subprocess.Tests.Infrastructure;

/// <summary>The tests' own helper program (tests/Subprocess.TestChild), built beside the tests.</summary>
public static class TestChildProgram
{
    private static readonly string Host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static Command Verb(string verb, params string[] arguments) =>
        Command.Create(Host, [Path.Combine(AppContext.BaseDirectory, "Subprocess.TestChild.dll"), verb, .. arguments]);

    /// <summary>The verb, run as PID 1 of a new PID namespace (see <see cref="PidNamespaceFactAttribute"/>).</summary>
    public static Command VerbAsNamespaceInit(string verb) =>
        Command.Create("unshare", "-pf", "--mount-proc", Host, Path.Combine(AppContext.BaseDirectory, "Subprocess.TestChild.dll"), verb);

    /// <summary>The verb, started so that a signal reaches it however the suite was started (<see cref="Interruptible"/>).</summary>
    public static Command InterruptibleVerb(string verb, params string[] arguments) =>
        Interruptible.Command(Host, [Path.Combine(AppContext.BaseDirectory, "Subprocess.TestChild.dll"), verb, .. arguments]);
}

namespace Subprocess.Cli.Tests;

/// <summary>
/// Runs the built <c>subproc</c> as a real child and returns what it printed: the build's
/// <c>subproc.dll</c> under <c>dotnet</c>, or the executable named by <c>SUBPROC_UNDER_TEST</c>
/// (CI points it at the installed tool, compiled ahead of time, so the same specs hold there too).
/// </summary>
internal static class Subproc
{
    private static readonly string Host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    private static readonly string? UnderTest = Environment.GetEnvironmentVariable("SUBPROC_UNDER_TEST");

    public static Task<CapturedResult> RunAsync(params string[] arguments) =>
        Command(arguments).WithStdin(Stdio.Null).CaptureAsync();

    public static Task<CapturedResult> RunWithInputAsync(string stdin, params string[] arguments) =>
        Command(arguments).CaptureAsync(System.Text.Encoding.UTF8.GetBytes(stdin));

    /// <summary>Runs it with <paramref name="marker"/> in the environment of it and everything it starts,
    /// so a test can look for survivors with <see cref="Subprocess.Tests.Infrastructure.ProcessTree.GoneWithin"/>.</summary>
    public static Task<CapturedResult> RunMarkedAsync(string marker, params string[] arguments) =>
        Subprocess.Tests.Infrastructure.ProcessTree.Marked(Command(arguments), marker).WithStdin(Stdio.Null).CaptureAsync();

    private static Command Command(string[] arguments) =>
        Plain(arguments).WithCheck(false).WithTimeout(TimeSpan.FromSeconds(60));

    /// <summary>How a shell command line starts <c>subproc</c> (the paths hold no spaces).</summary>
    public static string ShellPrefix => UnderTest ?? $"{Host} {Path.Combine(AppContext.BaseDirectory, "subproc.dll")}";

    /// <summary>The same, started so that a signal reaches it however the suite was started (<see cref="Subprocess.Tests.Infrastructure.Interruptible"/>).</summary>
    public static Command Interruptible(params string[] arguments) => UnderTest is null
        ? Subprocess.Tests.Infrastructure.Interruptible.Command(Host, [Path.Combine(AppContext.BaseDirectory, "subproc.dll"), .. arguments])
        : Subprocess.Tests.Infrastructure.Interruptible.Command(UnderTest, arguments);

    /// <summary>The command that runs <c>subproc</c> with <paramref name="arguments"/>, nothing else set.</summary>
    public static Command Plain(params string[] arguments) => UnderTest is null
        ? Subprocess.Command.Create(Host, [Path.Combine(AppContext.BaseDirectory, "subproc.dll"), .. arguments])
        : Subprocess.Command.Create(UnderTest, arguments);
}

namespace Subprocess.Cli.Tests;

/// <summary>Runs the built <c>subproc</c> as a real child and returns what it printed.</summary>
internal static class Subproc
{
    private static readonly string Host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static Task<CapturedResult> RunAsync(params string[] arguments) =>
        Command(arguments).WithStdin(Stdio.Null).CaptureAsync();

    public static Task<CapturedResult> RunWithInputAsync(string stdin, params string[] arguments) =>
        Command(arguments).CaptureAsync(System.Text.Encoding.UTF8.GetBytes(stdin));

    /// <summary>Runs it with <paramref name="marker"/> in the environment of it and everything it starts,
    /// so a test can look for survivors with <see cref="Subprocess.Tests.Infrastructure.ProcessTree.GoneWithin"/>.</summary>
    public static Task<CapturedResult> RunMarkedAsync(string marker, params string[] arguments) =>
        Subprocess.Tests.Infrastructure.ProcessTree.Marked(Command(arguments), marker).WithStdin(Stdio.Null).CaptureAsync();

    private static Command Command(string[] arguments) =>
        Subprocess.Command.Create(Host, [Path.Combine(AppContext.BaseDirectory, "subproc.dll"), .. arguments])
            .WithCheck(false).WithTimeout(TimeSpan.FromSeconds(60));
}

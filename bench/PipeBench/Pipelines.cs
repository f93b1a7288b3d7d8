using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using Medallion.Shell;

/// <summary>The same pipeline, <c>head -c N /dev/zero | wc -c</c>, written the idiomatic way for each library.</summary>
internal static class Pipelines
{
    public static async Task<string> SubprocessAsync(long bytes)
    {
        var pipeline = Subprocess.Command.Create("head", "-c", N(bytes), "/dev/zero") | Subprocess.Command.Create("wc", "-c");
        return (await pipeline.CaptureAsync()).StdoutText;
    }

    public static async Task<string> CliWrapAsync(long bytes)
    {
        var output = new StringBuilder();
        await (Cli.Wrap("head").WithArguments(["-c", N(bytes), "/dev/zero"])
            | Cli.Wrap("wc").WithArguments("-c")
            | PipeTarget.ToStringBuilder(output)).ExecuteAsync();
        return output.ToString();
    }

    public static async Task<string> MedallionAsync(long bytes)
    {
        var command = Shell.Default.Run("head", "-c", N(bytes), "/dev/zero") | Shell.Default.Run("wc", "-c");
        string output = await command.StandardOutput.ReadToEndAsync();
        await command.Task;
        return output;
    }

    /// <summary>System.Diagnostics.Process cannot hand one child's stdout to another on .NET 10: the parent copies.</summary>
    public static async Task<string> ProcessAsync(long bytes)
    {
        var head = new ProcessStartInfo("head") { RedirectStandardOutput = true, ArgumentList = { "-c", N(bytes), "/dev/zero" } };
        var wc = new ProcessStartInfo("wc") { RedirectStandardInput = true, RedirectStandardOutput = true, ArgumentList = { "-c" } };
        using Process first = Process.Start(head)!;
        using Process second = Process.Start(wc)!;
        Task<string> output = second.StandardOutput.ReadToEndAsync();
        await first.StandardOutput.BaseStream.CopyToAsync(second.StandardInput.BaseStream, 1 << 20);
        second.StandardInput.Close();
        await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync());
        return await output;
    }

    private static string N(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}

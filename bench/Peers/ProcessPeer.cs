using System.Diagnostics;
using System.Globalization;

/// <summary>System.Diagnostics.Process, the runtime's own.</summary>
internal sealed class ProcessPeer : IPeer
{
    public Task TrueAsync()
    {
        using Process process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        return Task.CompletedTask;
    }

    public Task<string> EchoAsync()
    {
        using Process process = Process.Start(new ProcessStartInfo("/bin/echo", "hi") { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return Task.FromResult(output);
    }

    public Task StartSleep(string seconds)
    {
        Process process = Process.Start(new ProcessStartInfo("sleep", seconds) { UseShellExecute = false })!;
        return process.WaitForExitAsync().ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
    }

    public Task<byte[]> CaptureZerosAsync(long bytes)
    {
        using Process process = Process.Start(new ProcessStartInfo("head") { RedirectStandardOutput = true, ArgumentList = { "-c", N(bytes), "/dev/zero" } })!;
        using var memory = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(memory);
        process.WaitForExit();
        return Task.FromResult(memory.ToArray());
    }

    /// <summary>Process cannot hand one child's stdout to another on .NET 10: the parent copies.</summary>
    public async Task<string> PipelineAsync(long bytes)
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

    public async Task<long> CountLinesAsync(long lines)
    {
        using Process process = Process.Start(new ProcessStartInfo("seq") { RedirectStandardOutput = true, ArgumentList = { N(lines) } })!;
        long count = 0;
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
            count++;
        }
        await process.WaitForExitAsync();
        return count;
    }

    private static string N(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}

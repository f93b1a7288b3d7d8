using System.Globalization;
using Medallion.Shell;

/// <summary>MedallionShell, through its synchronous calls where it has them.</summary>
internal sealed class MedallionPeer : IPeer
{
    public Task TrueAsync()
    {
        Command.Run("/bin/true").Wait();
        return Task.CompletedTask;
    }

    public Task<string> EchoAsync() => Task.FromResult(Command.Run("/bin/echo", "hi").Result.StandardOutput);

    public Task StartSleep(string seconds) => Command.Run("sleep", seconds).Task;

    public Task<byte[]> CaptureZerosAsync(long bytes)
    {
        Command command = Command.Run("head", "-c", N(bytes), "/dev/zero");
        using var memory = new MemoryStream();
        command.StandardOutput.BaseStream.CopyTo(memory);
        command.Wait();
        return Task.FromResult(memory.ToArray());
    }

    public async Task<string> PipelineAsync(long bytes)
    {
        var command = Shell.Default.Run("head", "-c", N(bytes), "/dev/zero") | Shell.Default.Run("wc", "-c");
        string output = await command.StandardOutput.ReadToEndAsync();
        await command.Task;
        return output;
    }

    /// <summary>StandardOutput.GetLines(), as MedallionShell's README reads lines.</summary>
    public Task<long> CountLinesAsync(long lines)
    {
        Command command = Command.Run("seq", N(lines));
        long count = 0;
        foreach (string _ in command.StandardOutput.GetLines())
        {
            count++;
        }
        command.Wait();
        return Task.FromResult(count);
    }

    private static string N(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}

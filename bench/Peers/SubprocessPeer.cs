using System.Globalization;
using Subprocess;

/// <summary>This library, through its synchronous calls where the peer is synchronous too.</summary>
internal sealed class SubprocessPeer : IPeer
{
    private static readonly Command True = Command.Create("/bin/true");
    private static readonly Command Echo = Command.Create("/bin/echo", "hi");

    public Task TrueAsync()
    {
        True.Run();
        return Task.CompletedTask;
    }

    public Task<string> EchoAsync() => Task.FromResult(Echo.Capture().StdoutText);

    public async Task StartSleep(string seconds)
    {
        using ChildProcess child = Command.Create("sleep", seconds).Start();
        await child.WaitAsync();
    }

    public Task<byte[]> CaptureZerosAsync(long bytes) =>
        Task.FromResult(Command.Create("head", "-c", bytes.ToString(CultureInfo.InvariantCulture), "/dev/zero").Capture().Stdout);

    public async Task<string> PipelineAsync(long bytes)
    {
        var pipeline = Command.Create("head", "-c", bytes.ToString(CultureInfo.InvariantCulture), "/dev/zero") | Command.Create("wc", "-c");
        return (await pipeline.CaptureAsync()).StdoutText;
    }

    public async Task<long> CountLinesAsync(long lines)
    {
        long count = 0;
        await foreach (OutputLine line in Command.Create("seq", lines.ToString(CultureInfo.InvariantCulture)).ReadLinesAsync())
        {
            if (line.Stream == OutputStream.Stdout)
            {
                count++;
            }
        }
        return count;
    }
}

using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using CliWrap.EventStream;

/// <summary>CliWrap: asynchronous only.</summary>
internal sealed class CliWrapPeer : IPeer
{
    public async Task TrueAsync() => await Cli.Wrap("/bin/true").ExecuteAsync();

    public async Task<string> EchoAsync() => (await Cli.Wrap("/bin/echo").WithArguments("hi").ExecuteBufferedAsync()).StandardOutput;

    public Task StartSleep(string seconds) => Cli.Wrap("sleep").WithArguments(seconds).ExecuteAsync().Task;

    public async Task<byte[]> CaptureZerosAsync(long bytes)
    {
        using var memory = new MemoryStream();
        await (Cli.Wrap("head").WithArguments(["-c", N(bytes), "/dev/zero"]) | PipeTarget.ToStream(memory)).ExecuteAsync();
        return memory.ToArray();
    }

    public async Task<string> PipelineAsync(long bytes)
    {
        var output = new StringBuilder();
        await (Cli.Wrap("head").WithArguments(["-c", N(bytes), "/dev/zero"])
            | Cli.Wrap("wc").WithArguments("-c")
            | PipeTarget.ToStringBuilder(output)).ExecuteAsync();
        return output.ToString();
    }

    public async Task<long> CountLinesAsync(long lines)
    {
        long count = 0;
        await foreach (CommandEvent e in Cli.Wrap("seq").WithArguments(N(lines)).ListenAsync())
        {
            if (e is StandardOutputCommandEvent)
            {
                count++;
            }
        }
        return count;
    }

    private static string N(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}

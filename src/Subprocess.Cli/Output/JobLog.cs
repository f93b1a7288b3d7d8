using System.Globalization;

namespace Subprocess.Cli.Output;

/// <summary>GNU parallel's <c>--joblog</c>: a tab-separated line per finished job, after a header.</summary>
internal sealed class JobLog : IAsyncDisposable
{
    private readonly StreamWriter _writer;

    public JobLog(string path)
    {
        try
        {
            _writer = new StreamWriter(path, append: false) { NewLine = "\n" };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the job log {path}: {e.Message}");
        }
        _writer.WriteLine("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand");
    }

    public async Task WriteAsync(JobResult job)
    {
        ExitStatus? status = job.ExitStatus;
        string line = string.Join('\t',
            job.Context.Number.ToString(CultureInfo.InvariantCulture),
            ":",
            (job.StartTime.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),
            job.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
            "0",
            (job.StdoutLength + job.StderrLength).ToString(CultureInfo.InvariantCulture),
            (status?.Code ?? (status is null ? 255 : 0)).ToString(CultureInfo.InvariantCulture),
            (status?.Signal ?? 0).ToString(CultureInfo.InvariantCulture),
            job.CommandLine);
        await _writer.WriteLineAsync(line);
        await _writer.FlushAsync();
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

using System.Globalization;

namespace Subprocess.Cli.Output;

/// <summary>GNU parallel's <c>--joblog</c>: a tab-separated line per finished job, after a header.</summary>
internal sealed class JobLog : IAsyncDisposable
{
    private readonly StreamWriter _writer;

    private const string Header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";

    /// <param name="path">The log file.</param>
    /// <param name="append">Add to an existing log (resuming) rather than start a new one.</param>
    public JobLog(string path, bool append)
    {
        bool fresh = !append || !File.Exists(path) || new FileInfo(path).Length == 0;
        try
        {
            _writer = new StreamWriter(path, append) { NewLine = "\n" };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the job log {path}: {e.Message}");
        }
        if (fresh)
        {
            _writer.WriteLine(Header);
        }
    }

    /// <summary>The jobs an earlier log records, by number: whether each succeeded (its last line wins).</summary>
    public static IReadOnlyDictionary<long, bool> Finished(string path)
    {
        var finished = new Dictionary<long, bool>();
        if (!File.Exists(path))
        {
            return finished;
        }
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] columns = line.Split('\t');
            if (columns.Length >= 8 && long.TryParse(columns[0], CultureInfo.InvariantCulture, out long seq))
            {
                finished[seq] = columns[6] == "0" && columns[7] == "0";
            }
        }
        return finished;
    }

    public async Task WriteAsync(JobResult job, long number)
    {
        ExitStatus? status = job.ExitStatus;
        string line = string.Join('\t',
            number.ToString(CultureInfo.InvariantCulture),
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

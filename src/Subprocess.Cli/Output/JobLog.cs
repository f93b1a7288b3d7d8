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
            // At once, as GNU parallel writes it: a log read (or on stdout) before the first job ends has its header.
            _writer.WriteLine(Header);
            _writer.Flush();
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

    /// <summary>Writes <paramref name="job"/>'s line, flushed, so a log read during the run shows it.</summary>
    /// <param name="job">The job.</param>
    /// <param name="number">Its number in the full input list.</param>
    /// <param name="command">Its command line, as <c>--dry-run</c> shows it.</param>
    public async Task WriteAsync(JobResult job, long number, string command, string host = ":")
    {
        string[] columns = Columns(job, number, command, host);
        // GNU parallel writes the run time as %10.3f, padded to ten characters.
        columns[3] = columns[3].PadLeft(10);
        await _writer.WriteLineAsync(string.Join('\t', columns));
        await _writer.FlushAsync();
    }

    /// <summary>
    /// A job's columns as GNU parallel's job log and <c>--results</c> tables have them: Seq, Host,
    /// Starttime, JobRuntime, Send, Receive (the bytes of stdout only, as GNU counts them), Exitval,
    /// Signal, Command (<paramref name="command"/>: the line as GNU parallel shows it, not the argv that ran).
    /// The run time is unpadded (the tables print it so; the log pads it).
    /// </summary>
    /// <param name="host">The job's host as the <c>-S</c> login named it, <c>:</c> for this machine.</param>
    public static string[] Columns(JobResult job, long number, string command, string host = ":")
    {
        ExitStatus? status = job.ExitStatus;
        return
        [
            number.ToString(CultureInfo.InvariantCulture),
            host,
            (job.StartTime.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),
            job.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
            "0",
            job.StdoutLength.ToString(CultureInfo.InvariantCulture),
            (status?.Code ?? (status is null ? 255 : 0)).ToString(CultureInfo.InvariantCulture),
            (status?.Signal ?? 0).ToString(CultureInfo.InvariantCulture),
            command,
        ];
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

using System.Diagnostics;
using System.Globalization;

namespace Subprocess.Cli.Progress;

/// <summary>
/// <c>--eta</c>: GNU parallel's status text on stderr, terminal or not: the machine's header, then one
/// line rewritten (<c>\r</c>) as each job ends, with the estimated seconds left, the jobs left, the
/// average seconds a job, and the jobs running and done. The estimate is GNU parallel's: the time since
/// the first job ended over the jobs ended, smoothed towards the latest as the run nears its end.
/// </summary>
/// <param name="error">Where it is written (stderr).</param>
/// <param name="total">How many jobs there are.</param>
/// <param name="slots">How many run at once.</param>
/// <param name="running">How many are running now.</param>
internal sealed class EtaStatus(TextWriter error, long total, int slots, Func<int> running)
{
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private TimeSpan? _firstDone;
    private double _smoothed;
    private long _lastEta;
    private long _done;

    /// <summary>Runs <paramref name="body"/>, which reports each finished job, writing the status as it goes.</summary>
    public async Task RunAsync(Func<Action<bool>, Task> body)
    {
        error.Write(string.Create(CultureInfo.InvariantCulture, $"\nComputers / CPU cores / Max jobs to run\n1:local / {Environment.ProcessorCount} / {slots}\n\n"));
        error.Write("Computer:jobs running/jobs completed/%of started jobs/Average seconds to complete\n");
        Write();
        try
        {
            await body(_ =>
            {
                _done++;
                Write();
            });
        }
        finally
        {
            error.Write('\n');
        }
    }

    private void Write()
    {
        long left = Math.Max(total, _done) - _done;
        double average = 0;
        long eta = 0;
        if (_done > 0)
        {
            _firstDone ??= _sinceStart.Elapsed;
            double complete = Math.Min((double)_done / Math.Max(total, _done), 1);
            average = (_sinceStart.Elapsed - _firstDone.Value).TotalSeconds / _done;
            _smoothed = _smoothed == 0 ? average : (1 - complete) * _smoothed + complete * average;
            eta = (long)(left * _smoothed);
            // As GNU parallel: an estimate that grew by less than a tenth keeps the last one, so it does not flicker upwards.
            if (eta * 0.9 < _lastEta && _lastEta < eta)
            {
                eta = _lastEta;
            }
            _lastEta = eta;
        }
        int now = running();
        double perJob = _done > 0 ? _sinceStart.Elapsed.TotalSeconds / _done : 0;
        error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rETA: {eta}s Left: {left} AVG: {average:0.00}s  local:{now}/{_done}/100%/{perJob:0.0}s "));
    }
}

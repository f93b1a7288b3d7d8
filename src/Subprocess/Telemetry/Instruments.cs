using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Subprocess.Telemetry;

/// <summary>The one <see cref="ActivitySource"/> and <see cref="Meter"/> of the library, and the instruments
/// that count children (named in <see cref="ProcessTelemetry"/>'s remarks). Each is checked for a listener
/// before anything is measured, so an application that listens to none of them pays a field read a child.</summary>
internal static class Instruments
{
    private static readonly string? Version = typeof(Instruments).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(ProcessTelemetry.SourceName, Version);

    private static readonly Meter Meter = new(ProcessTelemetry.MeterName, Version);

    public static readonly Counter<long> Started = Meter.CreateCounter<long>(
        "subprocess.child.started", "{child}", "Children started.");

    public static readonly UpDownCounter<long> StillRunning = Meter.CreateUpDownCounter<long>(
        "subprocess.child.running", "{child}", "Children started and not yet ended.");

    public static readonly Counter<long> Ended = Meter.CreateCounter<long>(
        "subprocess.child.ended", "{child}", "Children ended, by outcome (error.type: absent on success).");

    // Bounds from 5 ms (a `true`) to 5 min (a build): the default ones stop at 10 s and start at 0 ms.
    public static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "subprocess.child.duration", "s", "From a child's spawn to its exit.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    public static readonly Counter<long> Captured = Meter.CreateCounter<long>(
        "subprocess.output.captured", "By", "Bytes collected from children's stdout and stderr.");

    /// <summary>Whether anyone listens to the children's activities or to a count kept per child.</summary>
    public static bool Observed => Source.HasListeners() || Started.Enabled || StillRunning.Enabled || Ended.Enabled || Duration.Enabled;

    /// <summary>Counts what one collection gathered, once its pumps are done (a stream that gave nothing
    /// adds nothing).</summary>
    public static void RecordCaptured(long stdout, long stderr) => Quietly((Stdout: stdout, Stderr: stderr), static sizes =>
    {
        if (sizes.Stdout > 0)
        {
            Captured.Add(sizes.Stdout, new KeyValuePair<string, object?>("subprocess.stream", "stdout"));
        }
        if (sizes.Stderr > 0)
        {
            Captured.Add(sizes.Stderr, new KeyValuePair<string, object?>("subprocess.stream", "stderr"));
        }
    });

    /// <summary>
    /// Runs a step that calls into listeners: an <c>ActivityListener</c>'s and a <c>MeterListener</c>'s
    /// callbacks run inside <c>Start</c>, <c>Stop</c> and <c>Add</c>, and one that throws must not cost a
    /// child its tracking (after the spawn), a collection its end, nor the event loop's thread its life.
    /// </summary>
    public static void Quietly<T>(T state, Action<T> step)
    {
        try
        {
            step(state);
        }
#pragma warning disable CA1031 // see above: a listener's fault is the listener's
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }
}

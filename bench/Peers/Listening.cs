using System.Diagnostics;
using System.Diagnostics.Metrics;

/// <summary>Listens to Subprocess's activities and every instrument of its meter, as a service exporting
/// them would (an ActivityListener recording every activity, a MeterListener reading every measurement),
/// with the BCL's own listeners, so the cost measured is the library's and not an exporter's.</summary>
internal static class Listening
{
    private static long s_measurements;

    public static IDisposable[] Start()
    {
        var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Subprocess.ProcessTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(activities);
        var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Subprocess.ProcessTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref s_measurements));
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref s_measurements));
        meters.Start();
        return [activities, meters];
    }
}

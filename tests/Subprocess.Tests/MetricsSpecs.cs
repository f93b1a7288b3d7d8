using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Subprocess.Telemetry;

namespace Subprocess.Tests;

[CollectionDefinition(nameof(Metrics), DisableParallelization = true)]
public sealed class Metrics;

/// <summary>
/// The meter's counts, read back through OpenTelemetry's SDK and in-memory exporter. The children run
/// a copy of sh under a name of the spec's own, so only their counts carry it; and the specs run alone,
/// since the bytes captured are counted for every child in the process, and a listener elsewhere would
/// make a trace for every child.
/// </summary>
[Collection(nameof(Metrics))]
public sealed class MetricsSpecs : Spec
{
    private readonly string _folder = Directory.CreateTempSubdirectory("subprocess-metrics-").FullName;
    private readonly string _program;

    public MetricsSpecs()
    {
        _program = Path.Combine(_folder, $"spec-sh-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(_program, "/bin/sh");
    }

    public override async ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        await base.DisposeAsync();
    }

    private string Name => Path.GetFileName(_program);

    [Fact(Timeout = 30_000)]
    public async Task Children_are_counted_started_running_and_ended_by_outcome_with_their_durations()
    {
        var exported = new List<MetricSnapshot>();
        using MeterProvider provider = Listen(exported);

        Command.Create(_program, "-c", "exit 0").Run();
        Command.Create(_program, "-c", "sleep 0.2").Run();
        Command.Create(_program, "-c", "exit 2").WithCheck(false).Run();
        await using ChildProcess running = Command.Create(_program, "-c", "sleep 30").Start();

        provider.ForceFlush();
        Assert.Equal(4, Sum(exported, "subprocess.child.started"));
        Assert.Equal(1, Sum(exported, "subprocess.child.running"));
        Assert.Equal(2, Sum(exported, "subprocess.child.ended", errorType: null));
        Assert.Equal(1, Sum(exported, "subprocess.child.ended", errorType: "2"));

        running.Kill();
        await running.WaitAsync();
        exported.Clear();
        provider.ForceFlush();
        Assert.Equal(0, Sum(exported, "subprocess.child.running"));
        Assert.Equal(1, Sum(exported, "subprocess.child.ended", errorType: "SIGKILL"));

        MetricPoint successes = Points(exported, "subprocess.child.duration", errorType: null).Single();
        Assert.Equal(2, successes.GetHistogramCount());
        Assert.InRange(successes.GetHistogramSum(), 0.2, 20); // one slept 0.2 s
        Assert.Equal("s", Metric(exported, "subprocess.child.duration").Unit);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_bytes_captured_are_counted_by_stream()
    {
        var exported = new List<MetricSnapshot>();
        using MeterProvider provider = Listen(exported);

        await Command.Create(_program, "-c", "head -c 100000 /dev/zero; printf oops >&2").CaptureAsync();
        Command.Create(_program, "-c", "printf hello").Capture();

        provider.ForceFlush();
        Assert.Equal(100_005, Sum(exported, "subprocess.output.captured", tag: ("subprocess.stream", "stdout")));
        Assert.Equal(4, Sum(exported, "subprocess.output.captured", tag: ("subprocess.stream", "stderr")));
        Assert.Equal("By", Metric(exported, "subprocess.output.captured").Unit);
    }

    [Fact(Timeout = 30_000)]
    public void With_no_listener_a_child_gets_no_trace()
    {
        // Alone in this collection: no provider of another spec listens now.
        Assert.False(Instruments.Observed);
        Assert.Null(ChildTrace.Begin(new CommandSpec(_program, ["-c", "exit 0"]), _program));
        Assert.Equal(0, Command.Create(_program, "-c", "exit 0").Run().ExitStatus.Code);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_listener_that_throws_costs_no_child_its_run_and_no_thread_its_life()
    {
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ProcessTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => throw new InvalidOperationException("a listener's fault"),
            ActivityStopped = _ => throw new InvalidOperationException("a listener's fault"),
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ProcessTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("a listener's fault"));
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("a listener's fault"));
        meters.Start();
        Activity? before = Activity.Current;

        CapturedResult captured = Command.Create(_program, "-c", "echo hi").Capture();
        Assert.Equal("hi", captured.StdoutText.Trim());
        Assert.True(captured.OutputComplete); // the count of bytes captured threw: the collection still ended
        Assert.Same(before, Activity.Current);
        // Reaped by the event loop's thread, which must still be there for the next one.
        for (int i = 0; i < 3; i++)
        {
            await using ChildProcess child = Command.Create(_program, "-c", $"exit {i}").Start();
            Assert.Equal(i, (await child.WaitAsync(TimeSpan.FromSeconds(20))).Code);
        }
        Assert.Empty(LeftBehind());
    }

    private static MeterProvider Listen(List<MetricSnapshot> exported) =>
        Sdk.CreateMeterProviderBuilder().AddMeter(ProcessTelemetry.MeterName).AddInMemoryExporter(exported).Build()!;

    private static MetricSnapshot Metric(List<MetricSnapshot> exported, string name) => exported.Last(m => m.Name == name);

    private IEnumerable<MetricPoint> Points(List<MetricSnapshot> exported, string name, string? errorType)
    {
        foreach (MetricPoint point in Metric(exported, name).MetricPoints)
        {
            var tags = Tags(point);
            if (tags.GetValueOrDefault("process.executable.name") as string == Name && tags.GetValueOrDefault("error.type") as string == errorType)
            {
                yield return point;
            }
        }
    }

    /// <summary>The sum of <paramref name="name"/>'s points for this spec's program with that <c>error.type</c>
    /// (null: none), or with <paramref name="tag"/>.</summary>
    private long Sum(List<MetricSnapshot> exported, string name, string? errorType = null, (string Key, string Value)? tag = null)
    {
        long sum = 0;
        foreach (MetricPoint point in tag is null ? Points(exported, name, errorType) : Metric(exported, name).MetricPoints)
        {
            if (tag is (string key, string value) && !Equals(Tags(point).GetValueOrDefault(key), value))
            {
                continue;
            }
            sum += point.GetSumLong();
        }
        return sum;
    }

    private static ImmutableDictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = ImmutableDictionary.CreateBuilder<string, object?>();
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }
        return tags.ToImmutable();
    }
}

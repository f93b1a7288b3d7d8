using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Subprocess.Tests;

/// <summary>
/// Each child is an activity of <see cref="ProcessTelemetry.SourceName"/>, read back through
/// OpenTelemetry's SDK and in-memory exporter. Every spec runs under an activity of its own and reads
/// only the activities of that trace: the provider hears every test's children.
/// </summary>
public sealed class TelemetrySpecs : Spec
{
    private static readonly ActivitySource SpecSource = new("Subprocess.Tests.Telemetry");

    private readonly List<Activity> _exported = [];
    private readonly TracerProvider _provider;

    public TelemetrySpecs() => _provider = Sdk.CreateTracerProviderBuilder()
        .AddSource(ProcessTelemetry.SourceName, SpecSource.Name)
        .SetSampler(new AlwaysOnSampler())
        .AddInMemoryExporter(_exported)
        .Build()!;

    public override async ValueTask DisposeAsync()
    {
        _provider.Dispose();
        await base.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public void A_child_is_an_activity_under_the_callers_with_its_program_arguments_pid_and_exit_code()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        using ChildProcess child = Command.Create("sh", "-c", "exit 3").Start();
        Assert.Same(spec, Activity.Current); // the child's activity is not left as the caller's current one
        Assert.Equal(3, child.Wait().Code);

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal("sh", traced.DisplayName);
        Assert.Equal(ActivityKind.Client, traced.Kind);
        Assert.Equal(spec.SpanId, traced.ParentSpanId);
        Assert.Equal("sh", traced.GetTagItem("process.executable.name"));
        string path = Assert.IsType<string>(traced.GetTagItem("process.executable.path"));
        Assert.True(Path.IsPathRooted(path) && Path.GetFileName(path) == "sh" && File.Exists(path), path);
        Assert.Equal(new[] { "sh", "-c", "exit 3" }, (string[])traced.GetTagItem("process.command_args")!);
        Assert.Equal(child.Pid, traced.GetTagItem("process.pid"));
        Assert.Equal(3, traced.GetTagItem("process.exit.code"));
        Assert.Equal("3", traced.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, traced.Status);
        Assert.Null(traced.GetTagItem("server.address"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_callers_activity_that_has_stopped_stays_its_current_one()
    {
        // A caller's current activity may have been stopped in another flow (Activity.Current refuses to be
        // set back to a stopped one, so the child's must never replace it in the first place).
        Activity spec = SpecSource.StartActivity("spec")!;
        await Task.Run(spec.Stop);
        Assert.True(spec.IsStopped);
        Assert.Same(spec, Activity.Current);

        Command.Create("true").Run();

        Assert.Same(spec, Activity.Current);
        Assert.Single(ChildrenOf(spec));
    }

    [Fact(Timeout = 30_000)]
    public async Task Lines_left_early_say_cancelled()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        await foreach (OutputLine _ in Command.Create("yes").ReadLinesAsync())
        {
            break;
        }

        // Leaving the loop ended the child (and so its activity) before the await foreach returned.
        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal("cancelled", traced.GetTagItem("error.type"));
    }

    [Fact(Timeout = 30_000)]
    public void A_successful_child_has_no_error_and_its_activity_lasts_as_long_as_it_ran()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        Command.Create("sleep", "0.3").Run();

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal(0, traced.GetTagItem("process.exit.code"));
        Assert.Null(traced.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, traced.Status);
        Assert.InRange(traced.Duration, TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(20));
    }

    [Fact(Timeout = 30_000)]
    public void No_environment_value_is_recorded()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        Command.Create("sh", "-c", "test -n \"$TOKEN\"").WithEnvironment("TOKEN", "hunter2").Capture();

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal(0, traced.GetTagItem("process.exit.code"));
        foreach ((string key, object? value) in traced.TagObjects)
        {
            string text = value is string[] words ? string.Join(' ', words) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("TOKEN", key, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 30_000)]
    public void A_child_whose_timeout_passed_says_timeout_not_the_signal_that_ended_it()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        Assert.Throws<ProcessTimeoutException>(() => Command.Create("sleep", "30").WithTimeout(TimeSpan.FromSeconds(0.2)).Capture());

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal("timeout", traced.GetTagItem("error.type"));
        Assert.True((int)traced.GetTagItem("process.exit.code")! < 0, "ended by a signal"); // SIGTERM, or SIGKILL from the portable spawner
        Assert.Equal(ActivityStatusCode.Error, traced.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancelled_child_says_cancelled()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Command.Create("sleep", "30").RunAsync(cancel.Token));

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal("cancelled", traced.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, traced.Status);
    }

    [Fact(Timeout = 30_000)]
    public void A_child_killed_by_a_signal_names_the_signal()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        using ChildProcess child = Command.Create("sleep", "30").Start();
        child.Kill();
        child.Wait();

        Activity traced = Assert.Single(ChildrenOf(spec));
        Assert.Equal("SIGKILL", traced.GetTagItem("error.type"));
        Assert.Equal(-9, traced.GetTagItem("process.exit.code"));
    }

    [Fact(Timeout = 30_000)]
    public void A_program_that_cannot_be_executed_ends_its_activity_with_the_exception()
    {
        Assert.SkipWhen(Emulation.IsUserMode,
            Emulation.ExecErrorLost);
        string notAProgram = Path.Combine(Path.GetTempPath(), $"not-a-program-{Guid.NewGuid():N}");
        File.WriteAllBytes(notAProgram, [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 0, 0, 0]);
        File.SetUnixFileMode(notAProgram, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            using Activity spec = SpecSource.StartActivity("spec")!;
            Assert.Throws<ProcessStartException>(() => Command.Create(notAProgram).Run());

            Activity traced = Assert.Single(ChildrenOf(spec));
            Assert.Equal(typeof(ProcessStartException).FullName, traced.GetTagItem("error.type"));
            Assert.Equal(ActivityStatusCode.Error, traced.Status);
            Assert.Null(traced.GetTagItem("process.pid"));
        }
        finally
        {
            File.Delete(notAProgram);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_pipelines_stages_are_sibling_activities()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        CapturedResult result = await (Command.Create("printf", "a\\nb\\n") | Command.Create("wc", "-l")).CaptureAsync();
        Assert.Equal("2", result.StdoutText.Trim());

        IReadOnlyList<Activity> traced = ChildrenOf(spec);
        Assert.Equal(["printf", "wc"], traced.Select(a => a.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(traced, a => Assert.Equal(spec.SpanId, a.ParentSpanId));
    }

    [Fact(Timeout = 30_000)]
    public async Task Jobs_are_activities_under_the_caller_of_the_runner()
    {
        using Activity spec = SpecSource.StartActivity("spec")!;
        await foreach (JobResult job in JobRunner.RunAsync(Enumerable.Range(0, 4), (i, _) => Command.Create("sh", "-c", $"exit {i}"),
            new JobOptions { MaxParallel = 2 }))
        {
            job.Dispose();
        }

        IReadOnlyList<Activity> traced = ChildrenOf(spec);
        Assert.Equal([0, 1, 2, 3], traced.Select(a => (int)a.GetTagItem("process.exit.code")!).Order());
        Assert.All(traced, a => Assert.Equal(spec.SpanId, a.ParentSpanId));
    }

    /// <summary>The children's activities exported under <paramref name="spec"/>, once each has stopped.</summary>
    private List<Activity> ChildrenOf(Activity spec)
    {
        lock (_exported)
        {
            return [.. _exported.Where(a => a.TraceId == spec.TraceId && a.Source.Name == ProcessTelemetry.SourceName)];
        }
    }
}

namespace Subprocess;

/// <summary>
/// The names under which Subprocess reports its children to <see cref="System.Diagnostics"/>: an
/// <see cref="System.Diagnostics.ActivitySource"/> with an activity per child, and a
/// <see cref="System.Diagnostics.Metrics.Meter"/> counting them. Nothing is recorded, and nothing is
/// paid, until a listener (OpenTelemetry, <c>dotnet-counters</c>, an <c>ActivityListener</c>) subscribes.
/// </summary>
/// <remarks>
/// <para>Each child is an activity named after its program's file name (<c>git</c>), of kind
/// <see cref="System.Diagnostics.ActivityKind.Client"/>, as OpenTelemetry's conventions for CLI programs
/// ask. It starts just before the spawn, as a child of the caller's current activity, and stops when the
/// child's exit is known. Its tags: <c>process.executable.name</c>, <c>process.executable.path</c>,
/// <c>process.command_args</c> (the program and its arguments: anything secret in an argument shows
/// here, as it does in <c>/proc</c>), <c>server.address</c> for a command on another host,
/// <c>process.pid</c>, <c>process.exit.code</c> (<see cref="ExitStatus.ReturnCode"/>: -N for a death by
/// signal N), and on failure the status <see cref="System.Diagnostics.ActivityStatusCode.Error"/> with
/// <c>error.type</c>: <c>timeout</c>, <c>cancelled</c> (also a <c>ReadLinesAsync</c> left early),
/// <c>output_limit</c>, the signal's name (<c>SIGKILL</c>), the exit
/// code (<c>1</c>), or the exception's type when the program could not be started. The environment is
/// never recorded.</para>
/// <para>The meter's instruments, each tagged with <c>process.executable.name</c> (and the ended ones
/// with <c>error.type</c> on failure):</para>
/// <list type="bullet">
/// <item><c>subprocess.child.started</c>: children started ({child}).</item>
/// <item><c>subprocess.child.running</c>: children started and not yet ended ({child}).</item>
/// <item><c>subprocess.child.ended</c>: children ended ({child}).</item>
/// <item><c>subprocess.child.duration</c>: from the spawn to the exit, in seconds.</item>
/// <item><c>subprocess.output.captured</c>: bytes collected from children's stdout and stderr (tag
/// <c>subprocess.stream</c>), by <c>Capture</c>, <c>Communicate</c> and <see cref="JobRunner"/>.</item>
/// </list>
/// </remarks>
/// <example><code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(tracing => tracing.AddSource(ProcessTelemetry.SourceName))
///     .WithMetrics(metrics => metrics.AddMeter(ProcessTelemetry.MeterName));
/// </code></example>
public static class ProcessTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> that traces children: "Subprocess".</summary>
    public const string SourceName = "Subprocess";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> that counts children: "Subprocess".</summary>
    public const string MeterName = "Subprocess";
}

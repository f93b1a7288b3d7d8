using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProcessWorker;
using Subprocess;

// A worker service that checksums a folder's files with sha256sum every few seconds, as a service
// spawning tools would, with OpenTelemetry printing the children's traces and metrics to the console.
// Usage: dotnet run --project samples/ProcessWorker -- [--folder DIR] [--rounds N]
//   (N rounds, then it stops; without --rounds, until Ctrl-C)
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.Configure<ChecksumOptions>(builder.Configuration);
builder.Services.AddHostedService<ChecksumWorker>();
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("process-worker"))
    .WithTracing(tracing => tracing
        .AddSource(ProcessTelemetry.SourceName, ChecksumWorker.Source.Name)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(ProcessTelemetry.MeterName)
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000));
await builder.Build().RunAsync();

using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Subprocess;

namespace ProcessWorker;

/// <summary>Each round, under an activity of its own: every file's sha256sum as parallel jobs, a
/// pipeline counting the files, and a command that overruns its timeout, so the traces show jobs,
/// sibling stages and a timeout.</summary>
internal sealed class ChecksumWorker(IOptions<ChecksumOptions> options, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    public static readonly ActivitySource Source = new("ProcessWorker");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChecksumOptions settings = options.Value;
        for (int round = 1; !stoppingToken.IsCancellationRequested; round++)
        {
            using (Activity? activity = Source.StartActivity("checksum round"))
            {
                activity?.SetTag("round", round);
                await ChecksumAsync(settings.Folder, stoppingToken);
                CapturedResult count = await (Command.Create("ls", "-1", settings.Folder) | Command.Create("wc", "-l")).CaptureAsync(cancellationToken: stoppingToken);
                Console.WriteLine($"{settings.Folder} holds {count.StdoutText.Trim()} entries");
                try
                {
                    await Command.Create("sleep", "5").WithTimeout(TimeSpan.FromMilliseconds(200)).RunAsync(stoppingToken);
                }
                catch (ProcessTimeoutException e)
                {
                    Console.WriteLine(e.Message);
                }
            }
            if (round == settings.Rounds)
            {
                lifetime.StopApplication();
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    private static async Task ChecksumAsync(string folder, CancellationToken cancellationToken)
    {
        string[] files = Directory.GetFiles(folder, "ProcessWorker*");
        await foreach (JobResult job in JobRunner.RunAsync(files, (file, _) => Command.Create("sha256sum", file),
            new JobOptions { MaxParallel = 2 }, cancellationToken))
        {
            using (job)
            using (var stdout = new StreamReader(job.OpenStdout()))
            {
                Console.WriteLine((await stdout.ReadToEndAsync(cancellationToken)).Trim());
            }
        }
    }
}

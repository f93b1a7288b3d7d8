using System.Collections.Concurrent;
using System.Diagnostics;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests.Leaks;

/// <summary>
/// The stress mix a hostile test ran for minutes, bounded to a few seconds: sixteen threads starting,
/// communicating, cancelling and disposing at once, with random sizes and timings. No call may hang,
/// lose an exit status or a byte, or throw what its contract does not name; afterwards no descriptor
/// and no child is left. Runs alone (the Hygiene collection), so the descriptor count means something.
/// </summary>
[Collection(nameof(Hygiene))]
public class StressSoakSpecs : Spec
{
    private static readonly TimeSpan Soak = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan NoCallTakesLonger = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Sixteen_threads_racing_start_communicate_cancel_and_dispose_lose_nothing_and_leak_nothing(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        for (int seed = 0; seed < 6; seed++)
        {
            await OneRoundAsync(new Random(seed), seed); // warm up: the event loop's descriptors, each kind of call once
        }
        var before = ProcessTree.DescriptorTargets();
        var failures = new ConcurrentQueue<string>();
        int calls = 0;
        var clock = Stopwatch.StartNew();

        // Threads of their own, as an application's would be: blocking calls on a starved thread pool
        // would measure the pool's growth, not the library.
        Thread[] threads = [.. Enumerable.Range(0, 16).Select(thread => new Thread(() =>
        {
            using var sameSpawner = Spawner.Use(kind);
            var random = new Random(thread);
            // At least one call each, however late a slow machine starts the thread.
            do
            {
                int kindOfCall = random.Next(6);
                try
                {
                    if (!OneRoundAsync(random, kindOfCall).Wait(NoCallTakesLonger))
                    {
                        failures.Enqueue($"call {kindOfCall} on thread {thread}: still running after {NoCallTakesLonger}");
                        return;
                    }
                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"call {kindOfCall} on thread {thread}: {(e as AggregateException)?.InnerException ?? e}");
                }
            }
            while (clock.Elapsed < Soak);
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.True(calls >= 16, $"only {calls} calls ran in {Soak}: the soak proved little");
        Assert.True(await ProcessTree.Within(() => Leaked(before).Count < 8, TimeSpan.FromSeconds(10)),
            $"descriptors left open after {calls} calls: {string.Join(", ", Leaked(before))}");
    }

    private static List<string> Leaked(IReadOnlyCollection<string> before)
    {
        var now = ProcessTree.DescriptorTargets().ToList();
        foreach (string target in before)
        {
            now.Remove(target);
        }
        return now;
    }

    /// <summary>One call of the given kind, checked against what its contract promises.</summary>
    private static async Task OneRoundAsync(Random random, int kindOfCall)
    {
        byte[] input = new byte[random.Next(0, 256 * 1024)];
        random.NextBytes(input);
        switch (kindOfCall)
        {
            case 0:
                // A whole capture: every byte back, exit 0. The drain timeout (1 s after the exit, by
                // default) is not what this checks: sixteen threads on two cores can stall the pumps past it.
                CapturedResult echoed = await Command.Create("cat").WithDrainTimeout(TimeSpan.FromSeconds(30)).CaptureAsync(input);
                Assert.True(echoed.OutputComplete, "the capture was cut short by the drain timeout");
                Assert.Equal(input, echoed.Stdout);
                break;
            case 1:
            {
                // Communicate cancelled at a random moment: the whole output, or a cancellation.
                await using ChildProcess cat = Command.Create("cat").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 20)));
                try
                {
                    ProcessOutput output = await cat.CommunicateAsync(input, cancellationToken: cancel.Token);
                    Assert.Equal(input, output.Stdout);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
                break;
            }
            case 2:
            {
                // Communicate racing Dispose from another thread: it ends, with output or as disposed.
                ChildProcess sleeper = Command.Create("sh", "-c", "cat; exec sleep 5").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe)
                    .WithGracePeriod(TimeSpan.FromMilliseconds(100)).Start();
                Task<ProcessOutput> communicating = Task.Run(() => sleeper.Communicate(input));
                await Task.Delay(random.Next(0, 20));
                await sleeper.DisposeAsync();
                try
                {
                    await communicating;
                    Assert.NotEqual(0, sleeper.Poll()?.ReturnCode ?? 0); // ended by the dispose (sleep 5 was not done)
                }
                catch (ObjectDisposedException)
                {
                }
                break;
            }
            case 3:
            {
                // Exit statuses are never lost or mixed up.
                int code = random.Next(0, 100);
                ProcessResult result = await Command.Create("sh", "-c", $"exit {code}").WithCheck(false).RunAsync();
                Assert.Equal(code, result.ExitStatus.Code);
                break;
            }
            case 4:
            {
                // A run cancelled at a random moment: ended and cancelled, or done first.
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 30)));
                try
                {
                    await Command.Create("sleep", "5").WithGracePeriod(TimeSpan.FromMilliseconds(100)).RunAsync(cancel.Token);
                    Assert.Fail("sleep 5 finished before a cancellation due within 30 ms");
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
                break;
            }
            default:
            {
                // Signals after the exit do nothing; Wait after Wait returns the same status.
                using ChildProcess done = Command.Create("true").Start();
                ExitStatus status = await done.WaitAsync();
                done.Kill();
                done.Terminate();
                Assert.Equal(status, done.Wait());
                Assert.Equal(0, status.Code);
                break;
            }
        }
    }
}

using System.Security.Cryptography;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Captures far past the first chunks (where the buffer switches to mapped memory) arrive
/// intact, honour the limit, and survive a timeout and a second Communicate.</summary>
public sealed class LargeCaptureSpecs : Spec
{
    private const int Size = 64 << 20;
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"subproc-large-{Guid.NewGuid():N}");
    private readonly byte[] _hash;

    public LargeCaptureSpecs()
    {
        byte[] data = new byte[Size];
        new Random(20240611).NextBytes(data);
        File.WriteAllBytes(_file, data);
        _hash = SHA256.HashData(data);
    }

    public override async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        File.Delete(_file + ".gate");
        await base.DisposeAsync();
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_64_MiB_capture_arrives_intact(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Command.Create("head", "-c", $"{Size}", _file).CaptureAsync();

        Assert.Equal(Size, result.Stdout.Length);
        Assert.Equal(_hash, SHA256.HashData(result.Stdout));
        Assert.Empty(result.Stderr);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_limit_deep_in_a_large_capture_keeps_exactly_the_bytes_up_to_it(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        const int limit = (6 << 20) + 3;
        var error = await Assert.ThrowsAsync<OutputLimitException>(
            () => Command.Create("cat", _file).WithMaxOutput(limit).CaptureAsync());

        Assert.Equal(limit, error.Stdout.Length);
        Assert.True(error.Stdout.AsSpan().SequenceEqual(File.ReadAllBytes(_file).AsSpan(0, limit)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_large_communicate_that_timed_out_resumes_without_losing_a_byte()
    {
        // Half the file, a pause until the test has seen the timeout (a gate file, not a sleep that a
        // slow machine could outlast), then the rest.
        int half = Size / 2;
        string gate = _file + ".gate";
        await using ChildProcess child = Command.Shell(
                $"head -c {half} '{_file}'; while [ ! -e '{gate}' ]; do sleep 0.05; done; tail -c +{half + 1} '{_file}'")
            .WithStdout(Stdio.Pipe).Start();

        var timedOut = await Assert.ThrowsAsync<ProcessTimeoutException>(() => child.CommunicateAsync(timeout: TimeSpan.FromSeconds(0.5)));
        await File.WriteAllBytesAsync(gate, []);
        ProcessOutput output = await child.CommunicateAsync(timeout: TimeSpan.FromSeconds(50));
        ProcessOutput again = await child.CommunicateAsync();

        Assert.True(timedOut.Stdout.Length <= half);
        Assert.True(timedOut.Stdout.AsSpan().SequenceEqual(File.ReadAllBytes(_file).AsSpan(0, timedOut.Stdout.Length)), "the partial output is not the file's start");
        Assert.Equal(_hash, SHA256.HashData(output.Stdout));
        Assert.Equal(output.Stdout, again.Stdout);
    }
}

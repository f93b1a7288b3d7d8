using System.Diagnostics;
using System.Security.Cryptography;

namespace Subprocess.Cli.Demo;

/// <summary>Each scenario returns a one-line outcome, or throws if the library misbehaved.</summary>
internal static class Scenarios
{
    /// <summary>The seed's password: raw bytes, not valid UTF-8.</summary>
    private static readonly byte[] Password = [0xe2, (byte)'4', (byte)'U', (byte)'\n', 0xd0, (byte)'Q', (byte)'l', (byte)'3', (byte)'S', 0x11];

    public static async Task<string> EchoAndCommunicate()
    {
        await using ChildProcess child = Command.Create("echo", "hello", "world").WithStdout(Stdio.Pipe).Start();
        ProcessOutput output = await child.CommunicateAsync();
        Expect(output.StdoutText == "hello world\n", $"stdout was '{output.StdoutText}'");
        return $"stdout {Quote(output.StdoutText)}, {child.Poll()}";
    }

    public static async Task<string> PollLoop()
    {
        await using ChildProcess child = Command.Create("sleep", "0.3").Start();
        int polls = 0;
        ExitStatus? status;
        while ((status = child.Poll()) is null)
        {
            polls++;
            await Task.Delay(20);
        }
        Expect(polls > 3 && status.Value.Success, $"{polls} polls, {status}");
        return $"{polls} polls while it ran, then {status}";
    }

    public static async Task<string> TenSleepsInParallel()
    {
        var clock = Stopwatch.StartNew();
        var children = Enumerable.Range(0, 10).Select(_ => Command.Create("sleep", "0.1").Start()).ToList();
        foreach (ChildProcess child in children)
        {
            await child.WaitAsync();
            await child.DisposeAsync();
        }
        TimeSpan parallel = clock.Elapsed;

        clock.Restart();
        for (int i = 0; i < 10; i++)
        {
            await Command.Create("sleep", "0.1").RunAsync();
        }
        TimeSpan sequential = clock.Elapsed;
        Expect(parallel < TimeSpan.FromSeconds(0.9), $"parallel took {parallel}");
        return $"side by side {parallel.TotalSeconds:F2} s, one after another {sequential.TotalSeconds:F2} s";
    }

    public static async Task<string> OpensslThroughStdin()
    {
        byte[] plain = RandomNumberGenerator.GetBytes(4096);
        Command encrypt = Command.Create("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password").WithEnvironment("password", Password);
        Command decrypt = Command.Create("openssl", "enc", "-d", "-des3", "-pbkdf2", "-pass", "env:password").WithEnvironment("password", Password);

        await using ChildProcess child = encrypt.WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
        ProcessOutput cipher = await child.CommunicateAsync(plain);
        byte[] back = (await decrypt.CaptureAsync(cipher.Stdout)).Stdout;

        Expect(back.AsSpan().SequenceEqual(plain), "decryption did not give the original bytes back");
        return $"{plain.Length} random bytes -> {cipher.Stdout.Length} encrypted -> decrypted back identical";
    }

    public static async Task<string> OpensslMd5Chains()
    {
        // tee copies each chain's ciphertext to its stderr, so the hash can be checked here.
        Pipeline chain = Command.Create("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password").WithEnvironment("password", Password)
            | Command.Create("tee", "/dev/stderr")
            | Command.Create("md5sum");
        CapturedResult[] results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => chain.CaptureAsync(RandomNumberGenerator.GetBytes(10))));

        foreach (CapturedResult result in results)
        {
#pragma warning disable CA5351 // md5sum is the seed's tool; MD5 here only checks its output.
            string expected = Convert.ToHexStringLower(MD5.HashData(result.Stderr));
#pragma warning restore CA5351
            Expect(result.StdoutText.StartsWith(expected, StringComparison.Ordinal), $"md5sum said {result.StdoutText.Trim()}, expected {expected}");
        }
        return string.Join(", ", results.Select(r => r.StdoutText[..12] + "…")) + " (each the md5 of its own ciphertext)";
    }

    public static async Task<string> TimeoutThenTerminate()
    {
        await using ChildProcess child = Command.Create("sleep", "10").Start();
        try
        {
            await child.CommunicateAsync(timeout: TimeSpan.FromSeconds(0.1));
            throw new InvalidOperationException("communicate did not time out");
        }
        catch (ProcessTimeoutException e)
        {
            Expect(child.Poll() is null, "the child should still run after the timeout");
            child.Terminate();
            ExitStatus status = await child.WaitAsync();
            Expect(status.ReturnCode == -15, $"returncode {status.ReturnCode}");
            return $"{e.GetType().Name} after {e.Timeout.TotalSeconds} s; terminate(); {status}, returncode {status.ReturnCode}";
        }
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException(problem);
        }
    }

    private static string Quote(string text) => "'" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}

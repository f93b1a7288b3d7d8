using System.Security.Cryptography;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>The Python examples this library was seeded with, each as it would be written here.</summary>
public class SeedScenarioSpecs : Spec
{
    /// <summary>The seed's password: raw bytes, not valid UTF-8 ("\xe24U\n\xd0Ql3S\x11").</summary>
    private static readonly byte[] Password = [0xe2, (byte)'4', (byte)'U', (byte)'\n', 0xd0, (byte)'Q', (byte)'l', (byte)'3', (byte)'S', 0x11];

    [Theory(Timeout = 30_000)]
    [InlineData(SpawnerKind.Linux)]
    public async Task Random_bytes_encrypted_by_openssl_through_stdin_with_a_raw_byte_password_decrypt_back(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        // Python: p = Popen(["openssl", "enc", "-des3", "-pass", "env:password"], stdin=PIPE, stdout=PIPE,
        //                   env={"password": b"\xe24U\n\xd0Ql3S\x11"}); p.communicate(os.urandom(...))
        byte[] plain = RandomNumberGenerator.GetBytes(4096);
        Command encrypt = Command.Create("openssl", "enc", "-des3", "-pass", "env:password").WithEnvironment("password", Password);
        Command decrypt = Command.Create("openssl", "enc", "-d", "-des3", "-pass", "env:password").WithEnvironment("password", Password);

        await using ChildProcess child = encrypt.WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).WithStderr(Stdio.Pipe).Start();
        ProcessOutput encrypted = await child.CommunicateAsync(plain);

        Assert.True(child.Poll()?.Success, encrypted.StderrText);
        Assert.StartsWith("Salted__", System.Text.Encoding.ASCII.GetString(encrypted.Stdout, 0, 8));
        Assert.Equal(plain, (await decrypt.CaptureAsync(encrypted.Stdout)).Stdout);

        // The exact bytes matter: a password that differs in one byte does not decrypt it.
        byte[] almost = [.. Password[..^1], 0x12];
        var wrong = await decrypt.WithEnvironment("password", almost).WithCheck(false).CaptureAsync(encrypted.Stdout);
        Assert.False(wrong.ExitStatus.Success && wrong.Stdout.AsSpan().SequenceEqual(plain));
    }

    [NativeFact("passes only valid UTF-8, and the seed's password is raw bytes", Timeout = 60_000)]
    public async Task Openssl_to_md5sum_pipelines_run_in_parallel_each_hashing_its_own_ciphertext()
    {
        // Python: p1 = Popen(["openssl", ...], stdin=PIPE, stdout=PIPE, env=...); p2 = Popen(["md5sum"], stdin=p1.stdout, ...)
        // three times, started together. tee copies the ciphertext to its stderr so the test can check the hash.
        byte[][] inputs = [.. Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(10))];
        Pipeline chain = Command.Create("openssl", "enc", "-des3", "-pass", "env:password").WithEnvironment("password", Password)
            | Command.Create("tee", "/dev/stderr")
            | Command.Create("md5sum");

        var running = inputs.Select(input => chain.CaptureAsync(input)).ToArray();
        CapturedResult[] results = await Task.WhenAll(running);

        foreach (CapturedResult result in results)
        {
            byte[] cipher = result.Stderr[^(result.Stderr.Length - WarningLength(result.Stderr))..];
#pragma warning disable CA5351 // md5sum is the seed's tool; MD5 here only checks its output.
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(cipher)) + "  -\n", result.StdoutText);
#pragma warning restore CA5351
            Assert.StartsWith("Salted__", System.Text.Encoding.Latin1.GetString(cipher));
        }
        Assert.Equal(3, results.Select(r => r.StdoutText).Distinct().Count());
    }

    /// <summary>openssl's deprecation warning comes first in the joined stderr (stage 1 before stage 2).</summary>
    private static int WarningLength(byte[] stderr)
    {
        int salted = System.Text.Encoding.Latin1.GetString(stderr).IndexOf("Salted__", StringComparison.Ordinal);
        return salted < 0 ? 0 : salted;
    }
}

using System.Security.Cryptography;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>The Python examples this library was seeded with, each as it would be written here.</summary>
public class SeedScenarioSpecs
{
    /// <summary>The seed's password: raw bytes, not valid UTF-8 ("\xe24U\n\xd0Ql3S\x11").</summary>
    private static readonly byte[] Password = [0xe2, (byte)'4', (byte)'U', (byte)'\n', 0xd0, (byte)'Q', (byte)'l', (byte)'3', (byte)'S', 0x11];

    [Theory(Timeout = 30_000)]
    [InlineData(SpawnerKind.Linux)]
    public async Task Random_bytes_encrypted_by_openssl_through_stdin_with_a_raw_byte_password_decrypt_back(SpawnerKind kind)
    {
        // Python: p = Popen(["openssl", "enc", "-des3", "-pass", "env:password"], stdin=PIPE, stdout=PIPE,
        //                   env={"password": b"\xe24U\n\xd0Ql3S\x11"}); p.communicate(os.urandom(...))
        byte[] plain = RandomNumberGenerator.GetBytes(4096);
        Command encrypt = Command.Create("openssl", "enc", "-des3", "-pass", "env:password").WithEnvironment("password", Password).On(kind);
        Command decrypt = Command.Create("openssl", "enc", "-d", "-des3", "-pass", "env:password").WithEnvironment("password", Password).On(kind);

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

    [Fact(Timeout = 60_000)]
    public async Task Openssl_to_md5sum_chains_run_in_parallel_each_hashing_its_own_ciphertext()
    {
        // Python: for each of three inputs, openssl enc ... | md5sum, all started before any is awaited.
        // (Joined here by the parent until pipelines land; the chain's own test moves to Pipeline.)
        byte[][] inputs = [.. Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(10))];
        Command encrypt = Command.Create("openssl", "enc", "-des3", "-pass", "env:password").WithEnvironment("password", Password);

        var chains = inputs.Select(async input =>
        {
            CapturedResult cipher = await encrypt.CaptureAsync(input);
            CapturedResult hash = await Command.Create("md5sum").CaptureAsync(cipher.Stdout);
            return (cipher.Stdout, Hash: hash.StdoutText[..32]);
        }).ToArray();
        var results = await Task.WhenAll(chains);

        foreach (var (cipher, hash) in results)
        {
#pragma warning disable CA5351 // md5sum is the seed's tool; MD5 here only checks its output.
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(cipher)), hash);
#pragma warning restore CA5351
        }
        Assert.Equal(3, results.Select(r => r.Hash).Distinct().Count());
    }
}

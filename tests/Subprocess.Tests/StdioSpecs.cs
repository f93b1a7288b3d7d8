using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Where the standard streams go: null, files, stderr into stdout.</summary>
public class StdioSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task ToStdout_joins_stderr_into_stdout_in_order(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Command.Shell("echo one; echo two >&2; echo three").WithStderr(Stdio.ToStdout).CaptureAsync();

        if (kind == SpawnerKind.Linux)
        {
            Assert.Equal("one\ntwo\nthree\n", result.StdoutText);
        }
        else
        {
            // The portable spawner relays the two streams through the parent: content, not order.
            Assert.Equal(["one", "three", "two"], result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        }
        Assert.Empty(result.Stderr);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Null_stdin_reads_as_end_of_file_and_null_output_is_discarded(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Command.Shell("cat; echo done; echo hidden >&2")
            .WithStdin(Stdio.Null).WithStderr(Stdio.Null).CaptureAsync();

        Assert.Equal("done\n", result.StdoutText);
        Assert.Empty(result.Stderr);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Files_feed_stdin_and_receive_stdout_truncated_or_appended(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string input = Path.GetTempFileName();
        string output = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, "b\na\n");
            await File.WriteAllTextAsync(output, "old contents that must go\n");

            await Command.Create("sort").WithStdin(Stdio.File(input)).WithStdout(Stdio.File(output)).RunAsync();
            Assert.Equal("a\nb\n", await File.ReadAllTextAsync(output));

            await Command.Create("echo", "more").WithStdout(Stdio.File(output, append: true)).RunAsync();
            Assert.Equal("a\nb\nmore\n", await File.ReadAllTextAsync(output));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Stdout_and_stderr_to_the_same_file_with_ToStdout()
    {
        string output = Path.GetTempFileName();
        try
        {
            await Command.Shell("echo out; echo err >&2").WithStdout(Stdio.File(output)).WithStderr(Stdio.ToStdout).RunAsync();
            Assert.Equal("out\nerr\n", await File.ReadAllTextAsync(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task A_missing_stdin_file_fails_at_start_with_the_path()
    {
        string missing = $"/nonexistent/subproc-{Guid.NewGuid():N}";
        var error = await Assert.ThrowsAnyAsync<IOException>(() => Command.Create("cat").WithStdin(Stdio.File(missing)).RunAsync());
        Assert.Contains(missing, error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Output_can_go_to_a_stream_of_mine_as_it_comes(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();

        await Command.Shell("head -c 3000000 /dev/zero; echo err >&2")
            .WithStdout(Stdio.Stream(stdout)).WithStderr(Stdio.Stream(stderr)).RunAsync();

        Assert.Equal(3_000_000, stdout.Length);
        Assert.Equal("err\n", System.Text.Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.True(stdout.CanWrite, "my stream was closed for me");
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_stream_of_mine_that_buffers_is_flushed_when_the_childs_output_ends(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using var written = new MemoryStream();
        using var buffered = new BufferedStream(written, 4096);

        await Command.Create("echo", "hi").WithStdout(Stdio.Stream(buffered)).RunAsync();

        Assert.Equal("hi\n"u8.ToArray(), written.ToArray()); // not left in the buffer for me to flush
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_stream_of_mine_that_refuses_the_output_fails_the_run_with_an_IOException_that_says_so(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        var closed = new MemoryStream();
        closed.Dispose();

        var error = await Assert.ThrowsAsync<IOException>(() => Command.Create("echo", "hi").WithStdout(Stdio.Stream(closed)).RunAsync());

        Assert.Contains("Copying the output of 'echo hi' into the given stream failed", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Input_can_come_from_a_stream_of_mine(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using var input = new MemoryStream("abc"u8.ToArray());

        CapturedResult result = await Command.Create("sha256sum").WithStdin(Stdio.Stream(input)).CaptureAsync();

        Assert.StartsWith("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", result.StdoutText);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Input_can_be_bytes_read_again_by_each_start(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        byte[] data = [.. "abc"u8, 0xff, 0x00, .. "\n"u8];
        Command sum = Command.Create("sha256sum").WithStdin(Stdio.Bytes(data.AsMemory(0, 3)));
        string expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

        Assert.StartsWith(expected, (await sum.CaptureAsync()).StdoutText);
        Assert.StartsWith(expected, sum.Capture().StdoutText); // the same bytes again, from the beginning
        Assert.Equal(data, Command.Create("cat").WithStdin(Stdio.Bytes(data)).Capture().Stdout.ToArray());
    }

    [Fact]
    public void Bytes_are_for_stdin_only()
    {
        Assert.Contains("child's input", Assert.Throws<ArgumentException>(() => Command.Create("cat").WithStdout(Stdio.Bytes("x"u8.ToArray()))).Message);
        Assert.Throws<ArgumentException>(() => Command.Create("cat").WithStderr(Stdio.Bytes("x"u8.ToArray())));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_stream_target_is_not_also_a_pipe_to_read()
    {
        using var sink = new MemoryStream();
        await using ChildProcess child = Command.Create("echo", "x").WithStdout(Stdio.Stream(sink)).Start();

        Assert.Throws<InvalidOperationException>(() => child.Stdout);
        await child.WaitAsync();
        Assert.Equal("x\n", System.Text.Encoding.UTF8.GetString(sink.ToArray()));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_stream_that_refuses_the_output_is_an_error_not_silence(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        var closed = new MemoryStream();
        closed.Dispose();

        var error = await Assert.ThrowsAsync<IOException>(() => Command.Create("echo", "lost?").WithStdout(Stdio.Stream(closed)).RunAsync());
        Assert.Contains("into the given stream failed", error.Message);
    }
}

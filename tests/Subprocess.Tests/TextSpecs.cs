using System.Text;
using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Text in and out: a string as input (UTF-8 by default), and <c>WithEncoding</c> for the text
/// views, the lines and the input.</summary>
public class TextSpecs : Spec
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    [Theory]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_string_given_as_input_reaches_the_child_as_UTF_8(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        const string text = "héllo ✓ 𝄞\n";

        CapturedResult echoed = Command.Create("cat").Capture(text);
        CapturedResult hashed = await Command.Create("sha256sum").CaptureAsync("abc");
        CapturedResult piped = (Command.Create("cat") | Command.Create("tr", "a-z", "A-Z")).Capture("abc\n");
        CapturedResult pipedAsync = await (Command.Create("cat") | Command.Create("wc", "-c")).CaptureAsync(text);

        Assert.Equal(Encoding.UTF8.GetBytes(text), echoed.Stdout);
        Assert.Equal(text, echoed.StdoutText);
        Assert.StartsWith("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hashed.StdoutText, StringComparison.Ordinal);
        Assert.Equal("ABC\n", piped.StdoutText);
        Assert.Equal($"{Encoding.UTF8.GetByteCount(text)}\n", pipedAsync.StdoutText.TrimStart());
    }

    [NativeFact("gives the child the same pipe; /proc/self/fd/0 names it the same way")]
    public void An_empty_string_still_pipes_stdin_so_the_child_reads_its_end_at_once()
    {
        string stdin = Command.Create("readlink", "/proc/self/fd/0").Capture("").StdoutText;
        string withoutInput = Command.Create("readlink", "/proc/self/fd/0").WithStdin(Stdio.Null).Capture().StdoutText;

        Assert.StartsWith("pipe:", stdin, StringComparison.Ordinal);
        Assert.Equal("/dev/null\n", withoutInput);
    }

    [Theory]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task Communicate_takes_a_string_on_a_child_and_on_a_pipeline(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        using ChildProcess sort = Command.Create("sort").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
        await using ChildProcess upper = Command.Create("tr", "a-z", "A-Z").WithStdin(Stdio.Pipe).WithStdout(Stdio.Pipe).Start();
        using PipelineProcess pipeline = (Command.Create("cat").WithStdin(Stdio.Pipe) | Command.Create("tr", "a-z", "A-Z").WithStdout(Stdio.Pipe)).Start();

        Assert.Equal("a\nb\n", sort.Communicate("b\na\n").StdoutText);
        Assert.Equal("✓éA\n", (await upper.CommunicateAsync("✓éa\n")).StdoutText);
        Assert.Equal("XY", pipeline.Communicate("xy").StdoutText);
    }

    [Theory]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task An_encoding_decodes_the_text_views_and_the_lines_and_encodes_the_input(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        Command latin = Command.Shell("printf 'caf\\351\\n'; printf 'na\\357ve\\n' >&2").WithEncoding(Latin1);

        CapturedResult captured = latin.Capture();
        CapturedResult asUtf8 = Command.Shell("printf 'caf\\351\\n'").Capture();
        var lines = new List<string>();
        await foreach (OutputLine line in latin.ReadLinesAsync())
        {
            lines.Add(line.Text);
        }
        var called = new List<string>();
        latin.WithStdout(Stdio.Lines(called.Add)).WithStderr(Stdio.Null).Run();
        string inputBytes = Command.Create("od", "-An", "-tx1").WithEncoding(Latin1).Capture("é").StdoutText.Trim();
        var failed = Assert.Throws<ProcessFailedException>(() => Command.Shell("printf '\\351chec' >&2; exit 1").WithEncoding(Latin1).Capture());
        var failedLines = await Assert.ThrowsAsync<ProcessFailedException>(async () =>
        {
            await foreach (OutputLine line in Command.Shell("printf '\\351chec\\n' >&2; exit 1").WithEncoding(Latin1).ReadLinesAsync())
            {
            }
        });

        Assert.Equal("café\n", captured.StdoutText);
        Assert.Equal("naïve\n", captured.StderrText);
        Assert.Equal("caf\uFFFD\n", asUtf8.StdoutText);
        Assert.Equal(["café", "naïve"], lines.Order(StringComparer.Ordinal));
        Assert.Equal(["café"], called);
        Assert.Equal("e9", inputBytes);
        Assert.Equal("échec", failed.StderrText);
        Assert.Contains("échec", failed.Message, StringComparison.Ordinal);
        Assert.Equal("échec\n", failedLines.StderrText);
    }

    [Fact]
    public void A_pipeline_decodes_as_its_last_stage_unless_told()
    {
        Command latinTail = Command.Create("cat").WithEncoding(Latin1);
        Command shout = Command.Shell("printf '\\351'");

        Assert.Equal("é", (shout | latinTail).Capture().StdoutText);
        Assert.Equal("\uFFFD", (shout | latinTail).WithEncoding(Encoding.UTF8).Capture().StdoutText);
        Assert.Equal("\uFFFD", (shout | Command.Create("cat")).Capture().StdoutText);
    }

    [Fact]
    public void Encodings_that_lines_cannot_be_split_in_and_null_text_are_refused()
    {
        var utf16 = Assert.Throws<ArgumentException>(() => Command.Create("cat").WithEncoding(Encoding.Unicode));
        Assert.Contains("0x0A", utf16.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Command.Create("cat").Then(Command.Create("cat")).WithEncoding(Encoding.UTF32));
        Assert.Throws<ArgumentNullException>(() => Command.Create("cat").WithEncoding(null!));
        Assert.Throws<ArgumentNullException>(() => Command.Create("cat").Capture((string)null!));
        Assert.Equal(0, ChildrenStarted);
    }
}

using Subprocess.Cli.Output;

namespace Subprocess.Cli.Tests;

/// <summary>--tag: every line gets the job's inputs in front, byte for byte, whatever the output holds.</summary>
public class TaggedOutputSpecs : Spec
{
    [Fact(Timeout = 60_000)]
    public async Task Tagged_output_that_is_not_UTF_8_arrives_byte_for_byte()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "--tag", @"printf '\377\376\n{}\200'", ":::", "x");

        Assert.Equal(0, result.ExitStatus.Code);
        byte[] expected = [.. "x\t"u8, 0xff, 0xfe, (byte)'\n', .. "x\tx"u8, 0x80];
        Assert.Equal(expected, result.Stdout);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("grouped")]
    [InlineData("--line-buffer")]
    public async Task A_last_line_without_a_newline_stays_so_behind_a_tag_grouped_or_line_buffered_as_GNU_parallel_writes_it(string mode)
    {
        string[] arguments = ["parallel", "-j", "1", "--tag", "printf", "%s", ":::", "x", "y"];
        CapturedResult result = await Subproc.RunAsync(mode == "grouped" ? arguments : [.. arguments[..1], mode, .. arguments[1..]]);

        Assert.Equal("x\txy\ty", result.StdoutText);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_retry_under_line_buffer_does_not_continue_the_failed_attempts_last_line()
    {
        CapturedResult result = await Subproc.RunAsync("parallel", "--line-buffer", "--tag", "--retries", "2", "--shell", "printf half; exit 1", ":::", "x");

        Assert.Equal("x\thalfx\thalf", result.StdoutText); // each try's output behind its own tag
    }

    [Fact]
    public async Task A_line_longer_than_the_copy_buffer_is_tagged_once()
    {
        byte[] line = [.. Enumerable.Repeat((byte)0xff, 200_000), (byte)'\n', .. "end"u8];
        using var tagged = new MemoryStream();

        await TaggedCopy.CopyAsync(new MemoryStream(line), tagged, "t\t"u8.ToArray());

        byte[] expected = [.. "t\t"u8, .. line[..200_001], .. "t\tend"u8];
        Assert.Equal(expected, tagged.ToArray());
    }

    [Fact]
    public async Task Empty_output_gets_no_tag()
    {
        using var tagged = new MemoryStream();
        await TaggedCopy.CopyAsync(new MemoryStream(), tagged, "t\t"u8.ToArray());
        Assert.Empty(tagged.ToArray());
    }
}

using Subprocess.Pipes;

namespace Subprocess.Tests;

/// <summary>The capture buffer on its own: chunks past the mapped threshold, releasing them as they are
/// copied out, a read still under way when the buffer lets go, the limit, the spill file.</summary>
public class OutputBufferSpecs : Spec
{
    private static readonly byte[] Pattern = [.. Enumerable.Range(0, 10 << 20).Select(i => (byte)(i * 7 + (i >> 12)))];

    [Fact]
    public void Bytes_read_back_intact_before_and_after_release_and_after_more_arrive()
    {
        using var buffer = new OutputBuffer("stdout");
        Write(buffer, Pattern.AsSpan(0, 7 << 20), step: 100_003);

        AssertPrefix(7 << 20, buffer.ToArray());
        AssertPrefix(7 << 20, buffer.ToArrayAndRelease());
        AssertPrefix(7 << 20, buffer.ToArray());

        Write(buffer, Pattern.AsSpan(7 << 20), step: 65_536);
        AssertPrefix(Pattern.Length, buffer.ToArray());
        AssertPrefix(Pattern.Length, buffer.ToArrayAndRelease());
        Assert.Equal(Pattern.Length, buffer.Length);
    }

    [Fact]
    public void A_read_under_way_when_the_buffer_is_disposed_lands_safely_and_is_dropped()
    {
        var buffer = new OutputBuffer("stdout");
        Write(buffer, Pattern.AsSpan(0, 3 << 20), step: 1 << 20);
        Memory<byte> free = buffer.GetFreeSpace(); // a mapped chunk by now, lent to this "read"

        buffer.Dispose();
        free.Span[..1000].Fill(42); // still mapped: the unmap waits for the Advance
        buffer.Advance(1000);

        Assert.Throws<ObjectDisposedException>(() => buffer.GetFreeSpace());
        Assert.Throws<ObjectDisposedException>(() => buffer.ToArray());
    }

    [Fact]
    public void A_read_under_way_when_the_output_is_taken_does_not_change_what_was_taken()
    {
        using var buffer = new OutputBuffer("stdout");
        Write(buffer, Pattern.AsSpan(0, 3 << 20), step: 1 << 20);
        Memory<byte> free = buffer.GetFreeSpace();

        byte[] taken = buffer.ToArrayAndRelease();
        free.Span[..1000].Fill(42);
        buffer.Advance(1000);

        AssertPrefix(3 << 20, taken);
        AssertPrefix(3 << 20, buffer.ToArray());
    }

    [Fact]
    public void A_limit_inside_a_mapped_chunk_keeps_exactly_the_bytes_up_to_it()
    {
        const int limit = (5 << 20) + 3;
        using var buffer = new OutputBuffer("stdout", limit);

        var error = Assert.Throws<OutputLimitException>(() => Write(buffer, Pattern, step: 1 << 16));

        Assert.Equal("stdout", error.Stream);
        Assert.Equal(limit, buffer.Length);
        AssertPrefix(limit, buffer.ToArrayAndRelease());
    }

    [Fact]
    public void Past_the_spill_threshold_bytes_go_to_the_file_and_read_back_as_a_stream()
    {
        string path = Path.Combine(Path.GetTempPath(), $"subproc-spill-{Guid.NewGuid():N}");
        var buffer = new OutputBuffer("stdout", spillPath: path);
        Write(buffer, Pattern.AsSpan(0, 3 << 20), step: 100_003);

        Assert.True(File.Exists(path));
        using (var copy = new MemoryStream())
        {
            using (Stream stdout = buffer.OpenRead())
            {
                stdout.CopyTo(copy);
            }
            AssertPrefix(3 << 20, copy.ToArray());
        }
        AssertPrefix(3 << 20, buffer.ToArrayAndRelease());
        buffer.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Output_past_what_a_byte_array_holds_is_reported_as_such()
    {
        var error = OutputLimitException.PastByteArray("stdout").For("head -c 3000000000 /dev/zero", new ProcessOutput([], []));

        Assert.Equal(Array.MaxLength, error.Limit);
        Assert.Contains("its stdout went past 2147483591 bytes, the most a byte[] can hold", error.Message);
    }

    private static void AssertPrefix(int length, byte[] actual)
    {
        Assert.Equal(length, actual.Length);
        Assert.True(Pattern.AsSpan(0, length).SequenceEqual(actual), "the bytes differ from what was written");
    }

    /// <summary>Writes as a pump does: free space, at most <paramref name="step"/> bytes into it, advance.</summary>
    private static void Write(OutputBuffer buffer, ReadOnlySpan<byte> bytes, int step)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> free = buffer.GetFreeSpace().Span;
            int n = Math.Min(Math.Min(free.Length, step), bytes.Length);
            bytes[..n].CopyTo(free);
            buffer.Advance(n);
            bytes = bytes[n..];
        }
    }
}

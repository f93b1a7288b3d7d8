using System.Runtime.CompilerServices;
using System.Text;

namespace Subprocess.Pipes;

/// <summary>
/// A pump's sink that hands each whole line (decoded, without its <c>\n</c>) to a callback as it
/// arrives, and the last one, without a <c>\n</c>, at the end. The callback runs on the pumping thread
/// (the event loop's, on Linux): it must be quick. <paramref name="onRead"/>, if given, follows the
/// lines of each read, so that a consumer can hand them on together instead of one at a time. From a
/// <paramref name="terminal"/>, the <c>\r</c> the terminal puts before each <c>\n</c> is not part of
/// the line. Each read is decoded whole (<paramref name="encoding"/>, UTF-8 by default; a character cut
/// by the end of a read is finished by the next) and then split at <c>\n</c>, as a
/// <see cref="StreamReader"/> does: a decode per line costs more than the line, on a million of them.
/// </summary>
internal sealed class LineSink(Action<string> onLine, Action? onRead = null, bool terminal = false, Encoding? encoding = null) : IByteSink
{
    private const int ReadSize = 16 * 1024;

    private readonly Decoder _decoder = (encoding ?? Encoding.UTF8).GetDecoder();
    private readonly byte[] _read = new byte[ReadSize];

    /// <summary>Decoded text; [0, _pending) is the line begun and not yet ended. Grows for a long line.</summary>
    private char[] _chars = new char[2 * ReadSize];
    private int _pending;

    public Memory<byte> GetFreeSpace() => _read;

    // Optimised from the first call: a million-line read is over before tiered compilation would get to it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Advance(int count)
    {
        if (count > 0)
        {
            Decode(_read.AsSpan(0, count), flush: false);
            Split();
        }
        onRead?.Invoke();
    }

    public void Finish()
    {
        // A character cut short at the very end becomes U+FFFD, as a decode of the whole would make it.
        Decode([], flush: true);
        Split();
        if (_pending > 0)
        {
            onLine(new string(_chars, 0, _pending));
            _pending = 0;
        }
        onRead?.Invoke();
    }

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        int room = _decoder.GetCharCount(bytes, flush);
        if (_chars.Length - _pending < room)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _pending + room));
        }
        _pending += _decoder.GetChars(bytes, _chars.AsSpan(_pending), flush);
    }

    /// <summary>Hands on every whole line in [0, _pending) and keeps the rest at the front.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Split()
    {
        int start = 0, newline;
        while ((newline = _chars.AsSpan(start, _pending - start).IndexOf('\n')) >= 0)
        {
            int end = start + newline;
            int text = terminal && end > start && _chars[end - 1] == '\r' ? end - 1 : end;
            onLine(new string(_chars, start, text - start));
            start = end + 1;
        }
        if (start > 0)
        {
            _chars.AsSpan(start, _pending - start).CopyTo(_chars);
            _pending -= start;
        }
    }
}

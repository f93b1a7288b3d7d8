using System.Runtime.CompilerServices;
using System.Text;

namespace Subprocess.Pipes;

/// <summary>
/// A pump's sink that hands each whole line (UTF-8, without its <c>\n</c>) to a callback as it
/// arrives, and the last one, without a <c>\n</c>, at the end. The callback runs on the pumping thread
/// (the event loop's, on Linux): it must be quick. A line longer than the buffer grows it.
/// <paramref name="onRead"/>, if given, follows the lines of each read, so that a consumer can hand
/// them on together instead of one at a time. Lines are split at the byte <c>\n</c>, so
/// <paramref name="encoding"/> must write <c>\n</c> as that byte alone (see <c>Command.WithEncoding</c>). From a <paramref name="terminal"/>, the <c>\r</c> the
/// terminal puts before each <c>\n</c> is not part of the line.
/// </summary>
internal sealed class LineSink(Action<string> onLine, Action? onRead = null, bool terminal = false, Encoding? encoding = null) : IByteSink
{
    private readonly Encoding _encoding = encoding ?? Encoding.UTF8;

    private byte[] _buffer = new byte[16 * 1024];

    // The bytes of the line begun and not yet ended: [_start, _end).
    private int _start, _end;

    public Memory<byte> GetFreeSpace()
    {
        if (_buffer.Length - _end < 4096)
        {
            int pending = _end - _start;
            if (pending > _buffer.Length / 2)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            (_start, _end) = (0, pending);
        }
        return _buffer.AsMemory(_end);
    }

    // Optimised from the first call: a million-line read is over before tiered compilation would get to it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Advance(int count)
    {
        int scanned = _end;
        _end += count;
        int newline;
        while ((newline = _buffer.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n')) >= 0)
        {
            int end = scanned + newline;
            int text = terminal && end > _start && _buffer[end - 1] == '\r' ? end - 1 : end;
            onLine(_encoding.GetString(_buffer, _start, text - _start));
            _start = scanned = end + 1;
        }
        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
        onRead?.Invoke();
    }

    public void Finish()
    {
        if (_end > _start)
        {
            onLine(_encoding.GetString(_buffer, _start, _end - _start));
        }
        (_start, _end) = (0, 0);
        onRead?.Invoke();
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Subprocess.Pipes;

namespace Subprocess;

/// <summary>
/// The pseudo-terminal of a child started with <see cref="Command.WithTerminal"/>: what the child
/// shows is read from <see cref="Stream"/>, and what is written there is typed, as a person at a
/// terminal would (Ctrl-C, <c>"\x03"</c>, interrupts the foreground job; Ctrl-D, <c>"\x04"</c>, ends a
/// line-reading program's input). On top: pexpect's core, <see cref="ExpectAsync(string, TimeSpan?, CancellationToken)"/>
/// and <see cref="SendLineAsync"/>. The output ends once the child and everything it started there
/// have exited, after everything they wrote: nothing is lost.
/// </summary>
/// <example><code>
/// await using ChildProcess bash = Command.Create("bash", "--norc", "-i").WithTerminal(100, 30).Start();
/// await bash.Terminal.ExpectAsync("$ ");
/// await bash.Terminal.SendLineAsync("stty size");
/// await bash.Terminal.ExpectAsync("30 100");
/// bash.Terminal.Resize(120, 40);  // bash gets SIGWINCH
/// </code></example>
public sealed class Terminal
{
    /// <summary>How long <c>ExpectAsync</c> waits when not told: pexpect's default.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly TerminalStream _stream;
    private int _expecting;

    internal Terminal(TerminalStream stream) => _stream = stream;

    /// <summary>The terminal's master: read what the child shows (UTF-8 as the child wrote it, its
    /// <c>\n</c> as <c>\r\n</c>, typed input echoed), write what is typed. Reads end (0) once nothing
    /// holds the terminal; async reads and writes can be cancelled. Closed with the child's handle.</summary>
    public Stream Stream => _stream;

    /// <summary>Sets the terminal's size; its foreground job gets SIGWINCH, and <c>stty size</c> answers the new one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1 or above 65,535.</exception>
    /// <exception cref="ObjectDisposedException">The child's handle has been disposed.</exception>
    public void Resize(int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, ushort.MaxValue);
        _stream.Resize(columns, rows);
    }

    /// <summary>Types <paramref name="line"/> and Enter (<c>\r</c>, which the terminal hands a
    /// line-reading program as <c>\n</c>): pexpect's <c>sendline</c>.</summary>
    /// <exception cref="IOException">Nothing holds the terminal any more.</exception>
    public async Task SendLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        byte[] typed = new byte[Encoding.UTF8.GetByteCount(line) + 1];
        Encoding.UTF8.GetBytes(line, typed);
        typed[^1] = (byte)'\r';
        await _stream.WriteAsync(typed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads what the terminal shows until <paramref name="text"/> appears, and returns everything read
    /// up to and including it (pexpect's <c>before + after</c>); what follows it stays for the next
    /// call or read. Waits at most <paramref name="timeout"/> (default 30 s, pexpect's;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit).
    /// </summary>
    /// <exception cref="ExpectTimeoutException">Not seen in time; carries what was seen, which stays unread.</exception>
    /// <exception cref="ExpectEndOfStreamException">The output ended first; carries what was seen.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">Another <c>ExpectAsync</c> on this terminal is waiting.</exception>
    public Task<string> ExpectAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return ExpectAsync(seen => seen.IndexOf(text, StringComparison.Ordinal) is int at and >= 0 ? at + text.Length : -1,
            Shown(text), timeout, cancellationToken);
    }

    /// <summary>The same for the first match of <paramref name="pattern"/>, tried against everything seen since the last match.</summary>
    /// <example><code>string prompt = await child.Terminal.ExpectAsync(new Regex(@"[$#] $"));</code></example>
    public Task<string> ExpectAsync(Regex pattern, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return ExpectAsync(seen => pattern.Match(seen) is { Success: true } match ? match.Index + match.Length : -1,
            $"/{pattern}/", timeout, cancellationToken);
    }

    /// <param name="find">Where the match ends in the text seen, or -1.</param>
    /// <param name="expected">What is waited for, for messages.</param>
    /// <param name="timeout">The caller's timeout (null: the default).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    private async Task<string> ExpectAsync(Func<string, int> find, string expected, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        if (limit <= TimeSpan.Zero && limit != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "A timeout must be positive; pass Timeout.InfiniteTimeSpan to wait without one.");
        }
        if (Interlocked.Exchange(ref _expecting, 1) != 0)
        {
            throw new InvalidOperationException("Another ExpectAsync is waiting on this terminal; await it before the next.");
        }
        var seen = new SeenText();
        bool matched = false;
        try
        {
            using var timer = new CancellationTokenSource(limit);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            byte[] chunk = new byte[4096];
            while (true)
            {
                int end = find(seen.Text);
                if (end >= 0)
                {
                    matched = true;
                    _stream.Unread(seen.BytesAfter(end));
                    return seen.Text[..end];
                }
                int n;
                try
                {
                    n = await _stream.ReadAsync(chunk, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new ExpectTimeoutException(expected, limit, seen.Final);
                }
                if (n == 0)
                {
                    throw new ExpectEndOfStreamException(expected, seen.Final);
                }
                seen.Add(chunk.AsSpan(0, n));
            }
        }
        finally
        {
            if (!matched)
            {
                // Nothing is consumed without a match: the next call, or a read, sees it all again.
                _stream.Unread(seen.Bytes);
            }
            Volatile.Write(ref _expecting, 0);
        }
    }

    /// <summary>Terminal text for a message: quoted, control characters escaped, long text cut to its end.</summary>
    internal static string Shown(string text)
    {
        const int kept = 300;
        var shown = new StringBuilder("\"");
        if (text.Length > kept)
        {
            shown.Append("...");
        }
        foreach (char c in text.AsSpan(Math.Max(0, text.Length - kept)))
        {
            _ = c switch
            {
                '\r' => shown.Append("\\r"),
                '\n' => shown.Append("\\n"),
                '"' => shown.Append("\\\""),
                '\\' => shown.Append("\\\\"),
                < ' ' or '\x7f' => shown.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => shown.Append(c),
            };
        }
        return shown.Append('"').ToString();
    }

    /// <summary>The bytes read during one wait and their text, decoded as far as whole characters go,
    /// with the byte offset where each character ends (so a match's end maps back to bytes).</summary>
    private sealed class SeenText
    {
        private readonly List<byte> _bytes = [];
        private readonly StringBuilder _text = new();
        private readonly List<int> _charEnds = [];
        private int _decoded;
        private string? _cached = "";

        public string Text => _cached ??= _text.ToString();

        public ReadOnlySpan<byte> Bytes => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bytes);

        /// <summary>The text, with a character cut short at the end shown as U+FFFD.</summary>
        public string Final => _decoded < _bytes.Count ? Text + "\uFFFD" : Text;

        public void Add(ReadOnlySpan<byte> bytes)
        {
            _bytes.AddRange(bytes);
            ReadOnlySpan<byte> rest = Bytes[_decoded..];
            Span<char> chars = stackalloc char[2];
            while (!rest.IsEmpty)
            {
                // Invalid bytes become U+FFFD as Encoding.UTF8 (and so the line readers) decodes them.
                if (Rune.DecodeFromUtf8(rest, out Rune rune, out int consumed) == System.Buffers.OperationStatus.NeedMoreData)
                {
                    break;
                }
                _decoded += consumed;
                int count = rune.EncodeToUtf16(chars);
                for (int i = 0; i < count; i++)
                {
                    _text.Append(chars[i]);
                    _charEnds.Add(_decoded);
                }
                rest = rest[consumed..];
            }
            _cached = null;
        }

        /// <summary>The bytes after the first <paramref name="chars"/> characters.</summary>
        public ReadOnlySpan<byte> BytesAfter(int chars) => Bytes[(chars == 0 ? 0 : _charEnds[chars - 1])..];
    }
}

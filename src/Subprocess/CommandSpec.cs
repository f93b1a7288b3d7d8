using System.Collections.Immutable;

namespace Subprocess;

/// <summary>Everything a <see cref="Command"/> says, as one immutable value that each <c>With*</c> copies.</summary>
internal sealed record CommandSpec(string Program, ImmutableArray<string> Arguments)
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(2);

    public string? WorkingDirectory { get; init; }

    /// <summary>The working directory as the user wrote it: on a remote host, a relative one is relative
    /// to the login directory there, not to this process's.</summary>
    public string? WorkingDirectoryAsGiven { get; init; }

    /// <summary>The host the command runs on over ssh; null: this machine.</summary>
    public Launching.IRemoteHost? Host { get; init; }

    /// <summary>Arguments given as raw bytes, by index into <see cref="Arguments"/> (which holds their
    /// lossy UTF-8 reading, for display). Every other argument is passed as its UTF-8 encoding.</summary>
    public ImmutableDictionary<int, byte[]> RawArguments { get; init; } = ImmutableDictionary<int, byte[]>.Empty;

    /// <summary>Argument <paramref name="index"/> as the bytes the child receives (without the NUL).</summary>
    public byte[] ArgumentBytes(int index) =>
        RawArguments.TryGetValue(index, out byte[]? raw) ? raw : System.Text.Encoding.UTF8.GetBytes(Arguments[index]);

    /// <summary>Changes to the child's environment, applied over the parent's (or over nothing
    /// when <see cref="CleanEnvironment"/>); a null value removes the name.</summary>
    public ImmutableDictionary<string, byte[]?> Environment { get; init; } =
        ImmutableDictionary.Create<string, byte[]?>(StringComparer.Ordinal);

    public bool CleanEnvironment { get; init; }

    public Stdio Stdin { get; init; } = Stdio.Inherit;

    public Stdio Stdout { get; init; } = Stdio.Inherit;

    public Stdio Stderr { get; init; } = Stdio.Inherit;

    public TimeSpan? Timeout { get; init; }

    public TimeSpan GracePeriod { get; init; } = DefaultGracePeriod;

    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(1);

    public TimeSpan DrainTimeout { get; init; } = DefaultDrainTimeout;

    /// <summary>The most bytes captured from each stream; unlimited by default.</summary>
    public long MaxOutput { get; init; } = long.MaxValue;

    public bool Check { get; init; } = true;

    /// <summary>UTF-8, what Python's <c>text=True</c> uses on Linux (only GetBytes and GetString are used,
    /// so its byte-order mark never appears).</summary>
    public static readonly System.Text.Encoding DefaultEncoding = System.Text.Encoding.UTF8;

    /// <summary>How text going in is encoded and text coming out decoded.</summary>
    public System.Text.Encoding Encoding { get; init; } = DefaultEncoding;

    /// <summary>Start the child as leader of its own process group, so the whole tree can be signalled.
    /// Always true when a timeout is set.</summary>
    public bool NewProcessGroup { get; init; }

    /// <summary>Not ended by <c>Dispose</c> nor when this process exits; always in its own group.</summary>
    public bool Detached { get; init; }

    /// <summary>The command line for messages: on a remote host, after the host's name and a colon.</summary>
    public string CommandLine => Host is null
        ? Launching.CommandLine.Format(Program, Arguments)
        : Host.Destination + ": " + Launching.CommandLine.Format(Program, Arguments);
}

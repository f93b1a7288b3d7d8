using System.Collections.Immutable;

namespace Subprocess.Testing;

/// <summary>
/// One command a <see cref="FakeProcesses"/> scope faked, as it was started: what its <see cref="Command"/>
/// said (the program, arguments, working directory and environment changes as written; on a remote host,
/// the command the user wrote, not the <c>ssh</c> that would run it), what it read on its stdin, and how it
/// ended. In <see cref="FakeProcesses.Calls"/>, in the order they started.
/// </summary>
/// <example><code>
/// Command.Create("git", "commit", "-F", "-").WithWorkingDirectory("/repo").Capture("fix typo\n");
/// FakeCall call = Assert.Single(fake.Calls);
/// // call.Arguments == ["commit", "-F", "-"], call.WorkingDirectory == "/repo", call.StdinText == "fix typo\n"
/// </code></example>
public sealed class FakeCall
{
    private readonly CommandSpec _spec;
    private readonly Lock _gate = new();
    private readonly System.Buffers.ArrayBufferWriter<byte> _stdin = new();
    private ExitStatus? _exitStatus;

    internal FakeCall(CommandSpec spec)
    {
        _spec = spec;
        Command = new Command(spec);
        Environment = spec.Environment.ToImmutableDictionary(
            entry => entry.Key, entry => entry.Value is null ? null : System.Text.Encoding.UTF8.GetString(entry.Value), StringComparer.Ordinal);
    }

    /// <summary>The command as the code under test described it.</summary>
    public Command Command { get; }

    /// <summary>The command line as a shell would write it; on a remote host, after the host's name and a colon
    /// (<c>web1: uname -r</c>).</summary>
    public string CommandLine => _spec.CommandLine;

    /// <summary>The program as written (not resolved on PATH).</summary>
    public string Program => _spec.Program;

    /// <summary>The arguments, without the program.</summary>
    public IReadOnlyList<string> Arguments => _spec.Arguments;

    /// <summary>The working directory it was given (full path), or null for this process's.</summary>
    public string? WorkingDirectory => _spec.WorkingDirectory;

    /// <summary>The changes it asked for to the environment it inherits (<c>WithEnvironment</c>): a null value
    /// removes the variable. Empty when it changed nothing.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The destination of the host it was to run on (<c>OnHost</c>), or null for this machine.</summary>
    public string? Host => _spec.Host?.Destination;

    /// <summary>The bytes it read on its stdin: everything written to it, once it has exited (a fake reads a
    /// piped stdin, or a file given as stdin, to its end before it exits); empty for a stdin left inherited or
    /// set to null.</summary>
    public byte[] Stdin
    {
        get
        {
            lock (_gate)
            {
                return _stdin.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary><see cref="Stdin"/> decoded as the command's encoding says (UTF-8 by default).</summary>
    public string StdinText => _spec.Encoding.GetString(Stdin);

    /// <summary>How it ended (scripted, or killed by a signal sent to it); null while it runs.</summary>
    public ExitStatus? ExitStatus
    {
        get
        {
            lock (_gate)
            {
                return _exitStatus;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => CommandLine;

    internal void Read(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            System.Buffers.BuffersExtensions.Write(_stdin, bytes);
        }
    }

    internal void Ended(ExitStatus status)
    {
        lock (_gate)
        {
            _exitStatus ??= status;
        }
    }
}

namespace Subprocess.Testing;

/// <summary>
/// A command started inside a <see cref="FakeProcesses"/> scope that fails unmatched commands
/// (<see cref="UnmatchedCommands.Fail"/>) matched none of its rules. Thrown where the command starts
/// (<c>Start</c>, <c>Run</c>, <c>Capture</c>, a job of <see cref="JobRunner"/>); nothing was started.
/// It is not a <see cref="SubprocessException"/>, so code under test that handles the library's own
/// failures does not swallow it.
/// </summary>
/// <example><code>
/// using var fake = FakeProcesses.Begin();
/// fake.On("git", "status").Returns();
/// var e = Assert.Throws&lt;UnexpectedCommandException&gt;(() => Command.Create("git", "push").Run());
/// // e.CommandLine == "git push", e.Rules == ["git status"]
/// </code></example>
public sealed class UnexpectedCommandException : Exception
{
    internal UnexpectedCommandException(string commandLine, string? workingDirectory, IReadOnlyList<string> rules)
        : base($"No fake matches the command {Launching.CommandLine.InMessage(commandLine)}" +
               (workingDirectory is null ? "" : $" (in {workingDirectory})") +
               ", and this FakeProcesses scope fails unmatched commands. " +
               (rules.Count == 0 ? "It has no rules. " : $"Its rules, latest first: {string.Join("; ", rules)}. ") +
               "Add a rule with fake.On(...), or begin the scope with UnmatchedCommands.RunForReal to run such commands.")
    {
        CommandLine = commandLine;
        Rules = rules;
    }

    /// <summary>The command line that was started (on a remote host, after the host's name and a colon).</summary>
    public string CommandLine { get; }

    /// <summary>The scope's rules when the command started, latest (tried first) first.</summary>
    public IReadOnlyList<string> Rules { get; }
}

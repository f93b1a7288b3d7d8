using System.Runtime.CompilerServices;
using Subprocess.Running;

namespace Subprocess.Testing;

/// <summary>
/// A scope, for unit tests of code that uses Subprocess, in which commands that match a rule do not run:
/// a fake child stands in for each, writing scripted output, reading (and recording) its stdin and exiting
/// with a scripted status, while everything above the spawn stays real: <c>Run</c>, <c>Capture</c>, the
/// check (<see cref="ProcessFailedException"/>), timeouts, pipelines, <c>ReadLinesAsync</c>, <c>Kill</c>,
/// <see cref="JobRunner"/>. Commands that match no rule fail loudly or run for real, as the scope was begun
/// (<see cref="UnmatchedCommands"/>).
/// <para>The scope flows with the async context, as an <see cref="AsyncLocal{T}"/> does: it covers the code
/// that begins it and every task started from there, until disposed (which restores the scope before it), so
/// tests running side by side do not see each other's. Begin it in the test or the test class's constructor;
/// a scope begun inside an async method (an <c>InitializeAsync</c>) ends with that method.</para>
/// <para>Rules are tried latest first, so a test can override a general rule set up before it with a specific
/// one, as Moq and NSubstitute do; each may be matched any number of times. A command of a pipeline is matched
/// stage by stage. A command on a host (<c>OnHost</c>) is matched as written and never reaches the host, whose
/// connection is not opened for it (<see cref="SshHost.Connect"/>, called by the code itself, starts the
/// connection's <c>ssh</c>, a command like any other). A fake's <see cref="ChildProcess.Pid"/> is 1,000,000,000
/// or more, above any process ID a kernel gives out, and no signal for a fake reaches a real process. Output a
/// fake writes to a stream left inherited is dropped: it would land in the test runner's own output.</para>
/// </summary>
/// <example><code>
/// using var fake = FakeProcesses.Begin();
/// fake.On("git", "rev-parse", "HEAD").Returns(stdout: "4f2a1c9\n");
/// string head = Command.Create("git", "rev-parse", "HEAD").Capture().StdoutText.Trim();   // "4f2a1c9", no git run
/// Assert.Equal("git rev-parse HEAD", Assert.Single(fake.Calls).CommandLine);
/// </code></example>
public sealed class FakeProcesses : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<FakeRule> _rules = [];
    private readonly List<FakeCall> _calls = [];
    private readonly IDisposable _restore;

    private FakeProcesses(UnmatchedCommands unmatched)
    {
        Unmatched = unmatched;
        _restore = LaunchScope.Use(new FakeSpawner(this, LaunchScope.Spawner));
    }

    /// <summary>Begins a scope in this async flow; dispose it to end it.</summary>
    /// <param name="unmatched">What a command that matches no rule does: fail at its start (the default) or run
    /// as it would without this scope.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unmatched"/> is not one of the values.</exception>
    /// <example><code>
    /// using var fake = FakeProcesses.Begin(UnmatchedCommands.RunForReal);
    /// </code></example>
    public static FakeProcesses Begin(UnmatchedCommands unmatched = UnmatchedCommands.Fail)
    {
        if (!Enum.IsDefined(unmatched))
        {
            throw new ArgumentOutOfRangeException(nameof(unmatched), unmatched, "Not one of UnmatchedCommands' values.");
        }
        return new(unmatched);
    }

    /// <summary>What a command that matches no rule does in this scope.</summary>
    public UnmatchedCommands Unmatched { get; }

    /// <summary>Every command this scope faked, in the order they started (a copy: it does not grow).</summary>
    /// <example><code>
    /// Assert.Equal(["git fetch", "git rebase origin/main"], fake.Calls.Select(call => call.CommandLine));
    /// </code></example>
    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>A rule for the commands that run <paramref name="program"/> (as written: <c>git</c> does not match
    /// <c>/usr/bin/git</c>) with exactly <paramref name="arguments"/>, on any host, in any directory.</summary>
    /// <exception cref="ArgumentException"><paramref name="program"/> is empty.</exception>
    /// <example><code>
    /// fake.On("git", "rev-parse", "HEAD").Returns(stdout: "4f2a1c9\n");
    /// </code></example>
    public FakeRule On(string program, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        string[] expected = [.. arguments];
        return Add(new FakeRule(command => command.Program == program && command.Arguments.SequenceEqual(expected),
            Launching.CommandLine.Format(program, expected)));
    }

    /// <summary>A rule for the commands <paramref name="predicate"/> accepts, given each as the code under test
    /// described it (one stage of a pipeline at a time).</summary>
    /// <param name="predicate">Whether the rule applies to a command; called at each start, on the starting thread.</param>
    /// <param name="description">How messages name the rule; the predicate's source text by default.</param>
    /// <example><code>
    /// fake.On(command => command.Program == "git").Returns();   // any git command
    /// fake.On(command => command.Arguments.Contains("--dry-run")).Returns(stdout: "would do it\n");
    /// </code></example>
    public FakeRule On(Func<Command, bool> predicate, [CallerArgumentExpression(nameof(predicate))] string description = "")
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Add(new FakeRule(predicate, description.Length > 0 ? description : "a predicate"));
    }

    /// <summary>Ends the scope: commands started after this (in this flow) run as they would have before it
    /// began. Fakes still running go on until they exit or are ended.</summary>
    public void Dispose() => _restore.Dispose();

    /// <summary>The script of the latest rule matching <paramref name="stage"/>, or null.</summary>
    internal FakeScript? Match(CommandSpec stage)
    {
        FakeRule[] rules;
        lock (_gate)
        {
            rules = [.. _rules];
        }
        var command = new Command(stage);
        for (int i = rules.Length - 1; i >= 0; i--)
        {
            if (rules[i].Matches(command))
            {
                return rules[i].Script;
            }
        }
        return null;
    }

    /// <summary>What an unmatched command throws under <see cref="UnmatchedCommands.Fail"/>.</summary>
    internal UnexpectedCommandException Unexpected(CommandSpec stage)
    {
        lock (_gate)
        {
            return new(stage.CommandLine, stage.WorkingDirectoryAsGiven ?? stage.WorkingDirectory, [.. _rules.Select(rule => rule.Description).Reverse()]);
        }
    }

    /// <summary>Records a fake that started.</summary>
    internal void Record(FakeCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    private FakeRule Add(FakeRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }
        return rule;
    }
}

namespace Subprocess.Testing;

/// <summary>What a <see cref="FakeProcesses"/> scope does with a command that none of its rules match.</summary>
/// <example><code>
/// using var fake = FakeProcesses.Begin(UnmatchedCommands.RunForReal);
/// fake.On("git", "fetch").Returns();          // faked
/// Command.Create("echo", "hi").Capture();      // runs echo
/// </code></example>
public enum UnmatchedCommands
{
    /// <summary>Its start throws <see cref="UnexpectedCommandException"/>, naming the command and the rules there are.</summary>
    Fail,

    /// <summary>It runs as it would without this scope: for real, unless an enclosing scope fakes it.</summary>
    RunForReal,
}

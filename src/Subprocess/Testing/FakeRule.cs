namespace Subprocess.Testing;

/// <summary>
/// What the commands matching one rule of a <see cref="FakeProcesses"/> scope do instead of running
/// (<see cref="FakeProcesses.On(string, IEnumerable{string})"/>). A rule given nothing exits with code 0 at
/// once, writing nothing. Each method sets one part and returns the rule, so they chain; a rule may be
/// matched any number of times, and a change applies to the commands started after it.
/// </summary>
/// <example><code>
/// fake.On("git", "rev-parse", "HEAD").Returns(stdout: "4f2a1c9\n");
/// fake.On("git", "push").Returns(stderr: "rejected\n", exitCode: 1).After(TimeSpan.FromMilliseconds(50));
/// </code></example>
public sealed class FakeRule
{
    private readonly Func<Command, bool> _matches;
    private FakeScript _script = FakeScript.Default;

    internal FakeRule(Func<Command, bool> matches, string description)
    {
        _matches = matches;
        Description = description;
    }

    /// <summary>The command line the rule matches, or the text of its predicate, for messages.</summary>
    internal string Description { get; }

    internal FakeScript Script => Volatile.Read(ref _script);

    internal bool Matches(Command command) => _matches(command);

    /// <summary>The fake writes <paramref name="stdout"/> and <paramref name="stderr"/> (encoded as the command's
    /// <c>WithEncoding</c> says, UTF-8 by default) and exits with <paramref name="exitCode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exitCode"/> is negative.</exception>
    /// <example><code>
    /// fake.On("git", "status", "--porcelain").Returns(stdout: " M README.md\n");
    /// </code></example>
    public FakeRule Returns(string stdout = "", string stderr = "", int exitCode = 0)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return Set(script => script with { Stdout = new(stdout, default), Stderr = new(stderr, default), Status = Exited(exitCode) });
    }

    /// <summary>The fake writes the bytes <paramref name="stdout"/> and <paramref name="stderr"/> as they are and
    /// exits with <paramref name="exitCode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exitCode"/> is negative.</exception>
    /// <example><code>
    /// fake.On("git", "cat-file", "blob", "HEAD:logo.png").Returns(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
    /// </code></example>
    public FakeRule Returns(ReadOnlyMemory<byte> stdout, ReadOnlyMemory<byte> stderr = default, int exitCode = 0) =>
        Set(script => script with { Stdout = new(null, stdout), Stderr = new(null, stderr), Status = Exited(exitCode) });

    /// <summary>The fake exits with <paramref name="exitCode"/>; its output stays as set.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exitCode"/> is negative.</exception>
    /// <example><code>
    /// fake.On("make", "test").ExitsWith(2);   // Run() throws ProcessFailedException
    /// </code></example>
    public FakeRule ExitsWith(int exitCode) => Set(script => script with { Status = Exited(exitCode) });

    /// <summary>The fake ends as a program killed by signal number <paramref name="signal"/> would (its
    /// <see cref="ExitStatus.Signal"/> set, a <see cref="ExitStatus.ReturnCode"/> of minus the signal).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signal"/> is not a signal number (1 to 64).</exception>
    /// <example><code>
    /// fake.On("convert", "huge.tiff", "out.png").KilledBy(9);   // as the OOM killer would
    /// </code></example>
    public FakeRule KilledBy(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signal, Native.Signals.SIGRTMAX);
        return Set(script => script with { Status = ExitStatus.Killed(signal) });
    }

    /// <summary>The fake exits <paramref name="delay"/> after it started (its output is written at once), unless
    /// it is ended first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative, or longer than about 49 days.</exception>
    /// <example><code>
    /// fake.On("sleep", "10").After(TimeSpan.FromSeconds(10));   // a Capture with a 1 s timeout times out
    /// </code></example>
    public FakeRule After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        // Task.Delay's own bound (about 49.7 days): past it the fake could not wait; TimesOut is for "forever".
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, TimeSpan.FromMilliseconds(uint.MaxValue - 1));
        return Set(script => script with { Delay = delay });
    }

    /// <summary>
    /// The fake writes its output and then hangs, never exiting on its own: the command's own timeout
    /// (<c>WithTimeout</c>) passes, and the caller gets the library's real <see cref="ProcessTimeoutException"/>
    /// with that output, the fake ended as a real child is (SIGTERM). The timeout passes in real time, so give
    /// the code under test a short one, or run it as <see cref="JobRunner"/> jobs on a fake clock
    /// (<see cref="JobOptions.TimeProvider"/>); a command without a timeout waits until it is ended (a
    /// cancellation, a <c>Kill</c>), as it would for a program that hangs.
    /// </summary>
    /// <example><code>
    /// fake.On("curl", "https://example.com").Returns(stdout: "partial").TimesOut();
    /// var e = Assert.Throws&lt;ProcessTimeoutException&gt;(() =>
    ///     Command.Create("curl", "https://example.com").WithTimeout(TimeSpan.FromMilliseconds(100)).Capture());
    /// // e.Stdout holds "partial"
    /// </code></example>
    public FakeRule TimesOut() => Set(script => script with { Hangs = true });

    /// <inheritdoc/>
    public override string ToString() => Description;

    private FakeRule Set(Func<FakeScript, FakeScript> change)
    {
        FakeScript current, changed;
        do
        {
            current = Script;
            changed = change(current);
        }
        while (Interlocked.CompareExchange(ref _script, changed, current) != current);
        return this;
    }

    private static ExitStatus Exited(int exitCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exitCode);
        return ExitStatus.Exited(exitCode);
    }
}

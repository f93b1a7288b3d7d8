using System.Collections.Concurrent;
using Subprocess.Running;

namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// The base of every spec class: it fails the spec that leaves a child of this process behind,
/// running or a zombie. The children a spec started are told apart from those of the specs running
/// beside it because the launch scope flows with the spec's async context (xunit makes the class and
/// runs the spec in one flow); each is known by its PID and start time, so a recycled PID is not
/// mistaken for it.
/// </summary>
public abstract class Spec : IAsyncLifetime
{
    /// <summary>How long a child may take to be reaped after the spec ends: an exit noticed by the
    /// event loop an instant later is not a leak, one still there after this long is.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<(int Pid, string? StartTime)> _started = new();
    private readonly IDisposable _observing;

    protected Spec() => _observing = LaunchScope.Observe(pid => _started.Enqueue((pid, ProcessTree.StartTimeOf(pid))));

    /// <summary>How many children this spec has started so far.</summary>
    protected int ChildrenStarted => _started.Count;

    /// <summary>The children this spec started that are still this process's children, running or zombies.</summary>
    protected IReadOnlyList<int> LeftBehind() =>
        [.. _started.Where(child => child.StartTime is not null && ProcessTree.IsChildWithStartTime(child.Pid, child.StartTime)).Select(child => child.Pid)];

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _observing.Dispose();
        if (!await ProcessTree.Within(() => LeftBehind().Count == 0, Settle))
        {
            IReadOnlyList<int> left = LeftBehind();
            string states = string.Join(", ", left.Select(pid => $"{pid} ({ProcessTree.StateOf(pid)})"));
            Assert.Fail($"The spec left {left.Count} child(ren) behind, still running or unreaped: {states}");
        }
    }
}

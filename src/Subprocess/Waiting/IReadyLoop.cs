namespace Subprocess.Waiting;

/// <summary>
/// Where a pump waits for its descriptor: the shared <see cref="EventLoop"/> thread, or a
/// <see cref="CallerLoop"/> that a blocking call runs on its own thread.
/// </summary>
internal interface IReadyLoop
{
    /// <summary>A token for the next <see cref="Register"/>. Taken first, so that whoever registers
    /// knows it before the first event arrives: a handler that finishes on that first event must be
    /// able to unregister itself, or it would stay in the loop's table for good.</summary>
    ulong NewToken();

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (epoll flags, level-triggered)
    /// under <paramref name="token"/> (from <see cref="NewToken"/>) until <see cref="Unregister"/>.</summary>
    void Register(int fd, uint events, IReadyHandler handler, ulong token);

    /// <summary>Stops watching; call before closing <paramref name="fd"/> (-1: already closed, forget the token only).</summary>
    void Unregister(int fd, ulong token);
}

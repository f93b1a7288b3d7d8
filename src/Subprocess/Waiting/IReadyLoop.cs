namespace Subprocess.Waiting;

/// <summary>
/// Where a pump waits for its descriptor: the shared <see cref="EventLoop"/> thread, or a
/// <see cref="CallerLoop"/> that a blocking call runs on its own thread.
/// </summary>
internal interface IReadyLoop
{
    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/> (epoll flags, level-triggered)
    /// until <see cref="Unregister"/>; returns the token to unregister with.</summary>
    ulong Register(int fd, uint events, IReadyHandler handler);

    /// <summary>Stops watching; call before closing <paramref name="fd"/> (-1: already closed, forget the token only).</summary>
    void Unregister(int fd, ulong token);
}

namespace Subprocess.Waiting;

/// <summary>Something a loop calls when its descriptor is ready.</summary>
internal interface IReadyHandler
{
    /// <summary>Runs on the loop's thread: must not block. <paramref name="events"/> are epoll flags
    /// (which poll's flags equal for the ones pumps use).</summary>
    void OnReady(uint events);
}

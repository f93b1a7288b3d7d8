using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Subprocess.Native;

namespace Subprocess.Waiting;

/// <summary>
/// The one thread, for the whole application, that waits on every child: an epoll loop over the
/// children's pidfds (reaping each exit with <c>waitid(P_PIDFD)</c>, never <c>waitpid(-1)</c>, which
/// would steal the runtime's own children) and over the non-blocking pipes that
/// <c>Communicate</c> is pumping. Started on first use.
/// </summary>
internal sealed class EventLoop : IReadyLoop
{
    private static readonly Lazy<EventLoop> SharedLoop = new(() => new EventLoop());
    private readonly Epoll _epoll = new();
    private readonly ConcurrentDictionary<ulong, IReadyHandler> _handlers = new();
    private ulong _nextToken;

    private EventLoop()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Subprocess event loop" };
        thread.UnsafeStart();
    }

    public static EventLoop Shared => SharedLoop.Value;

    public ulong NewToken() => Interlocked.Increment(ref _nextToken);

    public void Register(int fd, uint events, IReadyHandler handler, ulong token)
    {
        _handlers[token] = handler;
        try
        {
            _epoll.Add(fd, events, token);
        }
        catch
        {
            _handlers.TryRemove(token, out _);
            throw;
        }
    }

    /// <summary>How many registrations the loop holds (the specs check that finished pumps leave none).</summary>
    public int Registered => _handlers.Count;

    /// <summary>Stops watching; call before closing <paramref name="fd"/> (-1: already closed, forget the token only).</summary>
    public void Unregister(int fd, ulong token)
    {
        if (fd >= 0)
        {
            _epoll.Remove(fd);
        }
        _handlers.TryRemove(token, out _);
    }

    private void Run()
    {
        Span<Epoll.Ready> events = stackalloc Epoll.Ready[64];
        while (true)
        {
            int count = _epoll.Wait(events);
            for (int i = 0; i < count; i++)
            {
                Dispatch(events[i]);
            }
        }
    }

    /// <summary>Runs the handler of one ready descriptor. A method of its own so that no frame of the
    /// endless loop keeps the last handler reachable (an unoptimised build keeps locals for a method's
    /// whole life): a finished child's handle must be collectable, since collecting it reaps a zombie.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Dispatch(Epoll.Ready ready)
    {
        if (_handlers.TryGetValue(ready.Token, out IReadyHandler? handler))
        {
            try
            {
                handler.OnReady(ready.Events);
            }
            catch (Exception e)
            {
                // Handlers report their own failures to their waiters. One that throws
                // anyway must not stop the loop, which every child's wait depends on.
                System.Diagnostics.Trace.TraceError($"Subprocess event loop: {e}");
            }
        }
    }
}

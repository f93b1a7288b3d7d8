using Microsoft.Win32.SafeHandles;
using Subprocess.Native;
using Subprocess.Waiting;

namespace Subprocess.Pipes;

/// <summary>
/// The parent's end of a kernel pipe to a child spawned by the Linux spawner. Pumping
/// switches the descriptor to non-blocking and hands it to the communication's loop: the shared
/// <see cref="EventLoop"/>, so any number of children can be drained without a thread each, or the
/// <see cref="CallerLoop"/> of a blocking call, which pumps on its own thread.
/// </summary>
internal sealed class DescriptorPipe : ChildPipe
{
    private readonly SafeFileHandle _handle;
    private readonly FileAccess _access;
    private readonly bool _terminal;
    private readonly Lock _streamGate = new();
    private Stream? _stream;
    private Pump? _pump;

    /// <param name="name">Which stream it is, for messages.</param>
    /// <param name="handle">The parent's end.</param>
    /// <param name="access">Which way it goes.</param>
    /// <param name="terminal">A pseudo-terminal's master (non-blocking, both ways) rather than a pipe:
    /// its stream is a <see cref="TerminalStream"/>, and EIO from it is end of file.</param>
    public DescriptorPipe(string name, SafeFileHandle handle, FileAccess access, bool terminal = false) : base(name)
    {
        _handle = handle;
        _access = access;
        _terminal = terminal;
    }

    public override Stream Stream
    {
        get
        {
            // Made once even when two threads ask at once: a second FileStream would close the handle
            // when collected, and a second terminal stream would hold its own descriptor and bytes.
            lock (_streamGate)
            {
                return _stream ??= _terminal ? new TerminalStream(_handle) : new FileStream(_handle, _access, bufferSize: 0);
            }
        }
    }

    public override void PumpInto(IByteSink sink, Communication communication)
    {
        if (_stream is TerminalStream terminal)
        {
            // What an ExpectAsync read past its match comes first, and the stream reads no more.
            ReadOnlySpan<byte> pending = terminal.TakeForPump();
            while (!pending.IsEmpty)
            {
                Span<byte> free = sink.GetFreeSpace().Span;
                int n = Math.Min(free.Length, pending.Length);
                pending[..n].CopyTo(free);
                sink.Advance(n);
                pending = pending[n..];
            }
        }
        Register(new Reader(this, sink, communication), Libc.EPOLLIN, communication);
    }

    public override void PumpFrom(ReadOnlyMemory<byte> input, Communication communication) =>
        Register(new Writer(this, input, communication), Libc.EPOLLOUT, communication);

    public override bool IsClosed => _handle.IsClosed;

    public override bool IsTerminal => _terminal;

    public override void Dispose()
    {
        // A pump still running (the caller disposed the child mid-Communicate) is finished first,
        // so its communication completes instead of waiting for events a closed descriptor never sends.
        _pump?.Finish(Closed());
        CloseHandle();
    }

    private void CloseHandle()
    {
        _stream?.Dispose();
        _handle.Dispose();
    }

    private void Register(Pump pump, uint events, Communication communication)
    {
        communication.PumpStarting();
        bool held = false;
        try
        {
            // Held open while its number is used: a Dispose on another thread closes it only after,
            // so the number cannot name someone else's file by the time epoll is told of it.
            _handle.DangerousAddRef(ref held);
            Fcntl.SetNonBlocking(_handle);
            _pump = pump;
            // The token is the pump's before the descriptor is watched: a pump that finishes on its
            // first event (a child that wrote little and exited) unregisters with the right one.
            pump.Token = pump.Loop.NewToken();
            int fd = (int)_handle.DangerousGetHandle();
            pump.Loop.Register(fd, events, pump, pump.Token);
            if (pump.IsFinished)
            {
                // Finished by a Dispose on another thread before it was watched, so its Unregister found
                // nothing to remove: removed here, while the number is still ours. Left, a caller's loop
                // would hand the number to the shared loop after it was closed, and if it named another
                // pipe by then, that pipe's own registration failed (epoll_ctl ADD: File exists).
                pump.Loop.Unregister(fd, pump.Token);
            }
        }
        catch (Exception e)
        {
            _pump = null;
            communication.PumpFinished(e is ObjectDisposedException ? Closed() : e);
            return;
        }
        finally
        {
            if (held)
            {
                _handle.DangerousRelease();
            }
        }
        if (_handle.IsClosed)
        {
            // Disposed while this registered, perhaps before there was a pump for it to finish.
            pump.Finish(Closed());
        }
    }

    private ObjectDisposedException Closed() => new(objectName: null, message: $"The child's {this} was closed while it was being pumped.");

    private abstract class Pump(DescriptorPipe pipe, Communication communication) : IReadyHandler
    {
        private int _finished;
        private long _moved;

        public IReadyLoop Loop { get; } = communication.Loop ?? EventLoop.Shared;

        public ulong Token { get; set; }

        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        protected SafeFileHandle Handle => pipe._handle;

        protected bool IsTerminal => pipe.IsTerminal;

        public void OnReady(uint events)
        {
            bool added = false;
            try
            {
                // Holds the descriptor open while we use its number, even if Dispose runs meanwhile.
                Handle.DangerousAddRef(ref added);
                if (Volatile.Read(ref _finished) == 0 && Step(events))
                {
                    Finish(null);
                }
            }
            catch (Exception e)
            {
                Finish(e);
            }
            finally
            {
                if (added)
                {
                    Handle.DangerousRelease();
                }
            }
        }

        /// <summary>Ends the pump once: stop watching, close (which is what tells a child reading stdin that
        /// the input is over), report.</summary>
        public void Finish(Exception? error)
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return;
            }
            // A descriptor someone already closed has left epoll by itself, and its number may
            // belong to another file by now: only the token is dropped then. Held open meanwhile,
            // so a Dispose on another thread cannot close it between the look and the use.
            bool held = false;
            try
            {
                Handle.DangerousAddRef(ref held);
            }
            catch (ObjectDisposedException)
            {
            }
            try
            {
                Loop.Unregister(held ? (int)Handle.DangerousGetHandle() : -1, Token);
            }
            finally
            {
                if (held)
                {
                    Handle.DangerousRelease();
                }
            }
            pipe._pump = null;
            pipe.CloseHandle();
            communication.PumpFinished(error);
        }

        /// <summary>Moves as many bytes as the pipe allows now; true when this pump is done.</summary>
        protected abstract bool Step(uint events);

        /// <summary>Counts bytes moved; a pipe past 1 MiB is carrying bulk data and gets a larger kernel
        /// buffer then (fewer wake-ups), while the many small ones never pay for it.</summary>
        protected void Moved(int count)
        {
            if (_moved < BulkThreshold && (_moved += count) >= BulkThreshold)
            {
                PipeFd.Enlarge(Handle);
            }
        }

        private const long BulkThreshold = 1 << 20;
    }

    private sealed class Reader(DescriptorPipe pipe, IByteSink sink, Communication communication) : Pump(pipe, communication)
    {

        protected override bool Step(uint events)
        {
            while (true)
            {
                Memory<byte> free = sink.GetFreeSpace();
                int n = 0;
                try
                {
                    n = PipeFd.TryRead(Handle, free.Span, IsTerminal);
                }
                finally
                {
                    // Always paired, even after nothing or a failed read (see IByteSink).
                    sink.Advance(Math.Max(n, 0));
                }
                if (n == PipeFd.WouldBlock)
                {
                    return false;
                }
                if (n == 0)
                {
                    sink.Finish();
                    return true;
                }
                Moved(n);
            }
        }
    }

    private sealed class Writer(DescriptorPipe pipe, ReadOnlyMemory<byte> input, Communication communication) : Pump(pipe, communication)
    {
        private ReadOnlyMemory<byte> _rest = input;

        protected override bool Step(uint events)
        {
            try
            {
                while (!_rest.IsEmpty)
                {
                    int n = PipeFd.TryWrite(Handle, _rest.Span[..Math.Min(_rest.Length, 1 << 20)]);
                    if (n == PipeFd.WouldBlock)
                    {
                        return false;
                    }
                    _rest = _rest[n..];
                    Moved(n);
                }
                return true;
            }
            catch (IOException e) when (e.HResult == Errno.EPIPE)
            {
                // The child closed stdin without reading it all: Python's communicate ignores this
                // too, and the child's exit status tells the rest.
                return true;
            }
        }
    }
}

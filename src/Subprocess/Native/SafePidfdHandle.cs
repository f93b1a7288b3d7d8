using Microsoft.Win32.SafeHandles;

namespace Subprocess.Native;

/// <summary>
/// A pidfd (Linux 5.3+): a handle to one process that never refers to another, so signals sent
/// through it cannot hit a recycled PID. Reference counting keeps the descriptor alive while a
/// signal or wait is using it on another thread.
/// </summary>
internal sealed class SafePidfdHandle : SafeHandleMinusOneIsInvalid
{
    public SafePidfdHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}

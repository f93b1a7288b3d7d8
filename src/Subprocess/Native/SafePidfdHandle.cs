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

    /// <summary>The process has exited and is left a zombie on purpose (see <see cref="Pidfd.TryWait"/>):
    /// releasing the handle reaps it, so a handle never disposed still reaps it when collected.</summary>
    public bool HoldsZombie { get; set; }

    protected override bool ReleaseHandle()
    {
        if (HoldsZombie)
        {
            Pidfd.ReapZombie((int)handle);
        }
        return Libc.close((int)handle) == 0;
    }
}

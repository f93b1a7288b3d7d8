namespace Subprocess.Native;

/// <summary>
/// Closes the window between <c>posix_spawn</c> and <c>pidfd_open</c> in a process whose children
/// the kernel reaps by itself (SIGCHLD ignored, or SA_NOCLDWAIT): a child that exits in that window
/// would vanish with its PID and status before we could hold it. While a spawn is in that window,
/// SIGCHLD is set back to its default, so the child stays a zombie until the pidfd is open; its
/// status is then read through the pidfd. Outside such processes this costs one sigaction query.
/// </summary>
internal static unsafe class AutoReap
{
    private const nint SIG_DFL = 0;
    private const int SizeOfSigaction = Libc.SizeOfSigaction;
    private const int FlagsOffset = Libc.SigactionFlagsOffset;
    private const int SA_NOCLDWAIT = Libc.SA_NOCLDWAIT;

    private static readonly Lock Gate = new();

    // Odd while a spawn has SIGCHLD at its default (raised before the action changes, and again after
    // it is restored). A spawn on another thread that saw the default must know it was the real
    // disposition, not someone's suspension: it reads this before and after its look, as a seqlock
    // reader does. (A count checked once after the look was not enough: the suspension could end
    // between the look and the check, and the child spawned outside the lock was lost to the kernel.)
    private static int _generation;

    /// <summary>Runs <paramref name="spawnAndOpen"/> with kernel auto-reaping suspended if it is on.</summary>
    public static T Suspended<T>(Func<T> spawnAndOpen)
    {
        byte* current = stackalloc byte[SizeOfSigaction];
        int generation = Volatile.Read(ref _generation);
        if (!Query(current) || (generation % 2 == 0 && !Reaps(current) && Volatile.Read(ref _generation) == generation))
        {
            return spawnAndOpen();
        }
        lock (Gate)
        {
            byte* saved = stackalloc byte[SizeOfSigaction];
            if (!Query(saved) || !Reaps(saved))
            {
                return spawnAndOpen();
            }
            byte* deferred = stackalloc byte[SizeOfSigaction];
            new Span<byte>(saved, SizeOfSigaction).CopyTo(new Span<byte>(deferred, SizeOfSigaction));
            *(nint*)deferred = SIG_DFL;
            *(int*)(deferred + FlagsOffset) &= ~SA_NOCLDWAIT;
            Interlocked.Increment(ref _generation);
            _ = Libc.sigaction(Signals.SIGCHLD, deferred, null);
            try
            {
                return spawnAndOpen();
            }
            finally
            {
                // Children of other code that exit inside this short window stay zombies; the
                // price is documented in GOTCHAS.md.
                _ = Libc.sigaction(Signals.SIGCHLD, saved, null);
                Interlocked.Increment(ref _generation);
            }
        }
    }

    private static bool Query(byte* action) => Libc.sigaction(Signals.SIGCHLD, null, action) == 0;

    private static bool Reaps(byte* action) =>
        *(nint*)action == Libc.SIG_IGN || (*(int*)(action + FlagsOffset) & SA_NOCLDWAIT) != 0;
}

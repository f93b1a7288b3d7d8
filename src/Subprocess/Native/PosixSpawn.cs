using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>
/// One <c>posix_spawn</c> call with the attributes every child needs: an empty signal mask, signals
/// at their defaults but those the process ignores (never SIGPIPE or SIGXFSZ), descriptors 0-2 wired as asked and everything from 3 up
/// closed, the working directory changed, optionally a new process group, or a new session whose
/// controlling terminal is a pseudo-terminal's slave.
/// </summary>
internal static unsafe class PosixSpawn
{
    /// <summary>In <see cref="Spawn"/>'s descriptor list: leave the child's descriptor as inherited.</summary>
    public const int Inherit = -1;

    /// <summary>In <see cref="Spawn"/>'s process group: stay in the parent's group.</summary>
    public const int NoGroup = -1;

    /// <summary>
    /// The signals a child starts with at their defaults: every one, but those this process ignored
    /// when it first spawned (a shell's background job ignores SIGINT, nohup ignores SIGHUP, and the
    /// child must too), and always SIGPIPE and SIGXFSZ, which the runtime ignores for itself and which
    /// would otherwise survive exec (`yes | head -1` would never end `yes`). Naming every signal spares
    /// the child glibc's look-up of each one it was not told about: 64 sigaction calls between clone and
    /// exec instead of about 120, 4% of a 5,000-job run of `true`.
    /// (glibc itself leaves its internal signals 32 and 33 ignored in the child, whatever the set says.)
    /// </summary>
    private static readonly byte[] DefaultSignals = CollectDefaultSignals(keepIgnored: true);

    /// <summary>For a child in a session of its own: every signal at its default. What this process
    /// ignores because of its own terminal (nohup's SIGHUP, a background job's SIGINT) is no matter of
    /// a child on a terminal of its own, and Ctrl-C typed there must interrupt it.</summary>
    private static readonly byte[] AllSignals = CollectDefaultSignals(keepIgnored: false);

    private static readonly bool HasCloseFrom =
        NativeLibrary.TryLoad("libc.so.6", out nint libc) &&
        NativeLibrary.TryGetExport(libc, "posix_spawn_file_actions_addclosefrom_np", out _);

    /// <summary>
    /// Spawns <paramref name="path"/>. Returns the child's PID, or a negative errno if the spawn
    /// failed (the program could not be executed, or the working directory could not be entered).
    /// </summary>
    /// <param name="path">NUL-terminated path of the executable.</param>
    /// <param name="argv">The arguments, argv[0] first.</param>
    /// <param name="envp">NUL-terminated NAME=value entries.</param>
    /// <param name="workingDirectory">NUL-terminated directory, or null to stay in the parent's.</param>
    /// <param name="childFds">For the child's descriptors 0, 1, 2 in order: a parent descriptor to
    /// duplicate onto it, or <see cref="Inherit"/>. Applied in order, so stderr may name 1 to follow stdout.</param>
    /// <param name="processGroup"><see cref="NoGroup"/>, 0 to lead a new process group, or the ID of a group to join.</param>
    /// <param name="controllingTerminal">NUL-terminated path of a terminal's slave: the child leads a new
    /// session (and so a new process group; <paramref name="processGroup"/> must be <see cref="NoGroup"/>)
    /// and opens it as its controlling terminal.</param>
    public static int Spawn(byte[] path, ArgvBlock argv, byte[][] envp, byte[]? workingDirectory, ReadOnlySpan<int> childFds,
        int processGroup, byte[]? controllingTerminal = null)
    {
        byte* attr = stackalloc byte[Libc.OpaqueSize];
        byte* actions = stackalloc byte[Libc.OpaqueSize];
        byte* sigset = stackalloc byte[SigsetSize];
        byte** envPtrs = null;
        try
        {
            Check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
            Check(Libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");

            // The runtime blocks some signals on its threads; the mask survives exec.
            short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
            Check(Libc.sigemptyset(sigset), "sigemptyset");
            Check(Libc.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask");
            fixed (byte* defaults = controllingTerminal is null ? DefaultSignals : AllSignals)
            {
                Check(Libc.posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault");
            }
            if (controllingTerminal is not null)
            {
                // glibc calls setsid before the file actions, so the open below finds a session leader
                // without a terminal, which is what makes a terminal it opens its controlling one.
                flags |= Libc.POSIX_SPAWN_SETSID;
            }
            else if (processGroup != NoGroup)
            {
                flags |= Libc.POSIX_SPAWN_SETPGROUP;
                Check(Libc.posix_spawnattr_setpgroup(attr, processGroup), "posix_spawnattr_setpgroup");
            }
            Check(Libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");

            for (int target = 0; target < childFds.Length; target++)
            {
                if (childFds[target] != Inherit)
                {
                    Check(Libc.posix_spawn_file_actions_adddup2(actions, childFds[target], target), "adddup2");
                }
            }
            if (controllingTerminal is not null)
            {
                // After the dup2s, so descriptor 3 is free to use; the terminal stays the session's once closed.
                const int spare = 3;
                fixed (byte* terminal = controllingTerminal)
                {
                    Check(Libc.posix_spawn_file_actions_addopen(actions, spare, terminal, Libc.O_RDWR, 0), "addopen");
                }
                Check(Libc.posix_spawn_file_actions_addclose(actions, spare), "addclose");
            }
            if (workingDirectory is not null)
            {
                fixed (byte* dir = workingDirectory)
                {
                    // glibc copies the path into the file actions, so the pin may end here.
                    Check(Libc.posix_spawn_file_actions_addchdir_np(actions, dir), "addchdir_np");
                }
            }
            if (HasCloseFrom)
            {
                // Descriptors the app inherited or opened inheritable would otherwise leak into every child.
                Check(Libc.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom_np");
            }

            envPtrs = CopyToNative(envp);
            int pid;
            int rc;
            fixed (byte* file = path)
            {
                rc = Libc.posix_spawn(&pid, file, actions, attr, argv.Pointers, envPtrs);
            }
            return rc == 0 ? pid : -rc;
        }
        finally
        {
            _ = Libc.posix_spawn_file_actions_destroy(actions);
            _ = Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(envPtrs);
        }
    }

    internal const int SigsetSize = 128;

    private static byte[] CollectDefaultSignals(bool keepIgnored)
    {
        var signals = new byte[SigsetSize];
        fixed (byte* set = signals)
        {
            Check(Libc.sigfillset(set), "sigfillset");
            for (int signal = 1; signal <= Signals.SIGRTMAX; signal++)
            {
                // glibc will not report its own internal signals; sigfillset left them out already.
                if (keepIgnored && Libc.IsIgnored(signal))
                {
                    Check(Libc.sigdelset(set, signal), "sigdelset");
                }
            }
            Check(Libc.sigaddset(set, Signals.SIGPIPE) | Libc.sigaddset(set, Signals.SIGXFSZ), "sigaddset");
        }
        return signals;
    }

    /// <summary>One native block: a NULL-terminated pointer array followed by the strings it points to.</summary>
    private static byte** CopyToNative(byte[][] strings)
    {
        nuint table = (nuint)(strings.Length + 1) * (nuint)sizeof(byte*);
        nuint total = table;
        foreach (byte[] s in strings)
        {
            total += (nuint)s.Length;
        }
        var block = (byte*)NativeMemory.Alloc(total);
        var pointers = (byte**)block;
        byte* next = block + table;
        for (int i = 0; i < strings.Length; i++)
        {
            pointers[i] = next;
            strings[i].CopyTo(new Span<byte>(next, strings[i].Length));
            next += strings[i].Length;
        }
        pointers[strings.Length] = null;
        return pointers;
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw Errno.Failure(call, rc);
        }
    }
}

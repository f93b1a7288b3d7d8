using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>
/// Anonymous memory straight from the kernel (Linux), for large captures: munmap gives it back at
/// once, where glibc's free may keep a large block (its mmap threshold grows with each large free).
/// </summary>
internal static unsafe partial class Mmap
{
    private const string Lib = "libc";

    private const int PROT_READ = 0x1;
    private const int PROT_WRITE = 0x2;
    private const int MAP_PRIVATE = 0x02;
    internal const int MAP_ANONYMOUS = 0x20;
    internal const int MADV_POPULATE_WRITE = 23; // Linux 5.14+; older kernels refuse it, which costs only the speed-up
    private static readonly int PageSize = Environment.SystemPageSize;
    private const int SmallestPrefault = 256 * 1024;

    /// <summary>A fresh read-write private mapping of <paramref name="length"/> bytes, already backed.</summary>
    /// <exception cref="InsufficientMemoryException">The kernel refused the mapping.</exception>
    public static nint Map(nuint length)
    {
        void* address = mmap(null, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (address == (void*)-1)
        {
            throw new InsufficientMemoryException($"mmap of {length} bytes failed: {Errno.Describe(Errno.Last)}");
        }
        // Backing the chunk in one call costs less than the page fault per 4 KiB that the pipe's reads
        // would otherwise take as they land in it (a fifth of a large capture's CPU time, measured).
        _ = madvise(address, length, MADV_POPULATE_WRITE);
        return (nint)address;
    }

    /// <summary>Gives a mapping back to the kernel.</summary>
    public static bool Unmap(nint address, nuint length) => munmap((void*)address, length) == 0;

    /// <summary>
    /// Backs the whole pages inside <paramref name="memory"/> before a large copy into it, in one call
    /// rather than a page fault per page. Only a speed-up: the contents are unchanged (pages not yet
    /// backed read as zeros either way), failures are ignored, and small spans are left alone.
    /// </summary>
    public static void Prefault(Span<byte> memory)
    {
        if (!OperatingSystem.IsLinux() || memory.Length < SmallestPrefault)
        {
            return;
        }
        fixed (byte* p = memory)
        {
            nint start = ((nint)p + PageSize - 1) & ~(nint)(PageSize - 1);
            nint end = ((nint)p + memory.Length) & ~(nint)(PageSize - 1);
            _ = madvise((void*)start, (nuint)(end - start), MADV_POPULATE_WRITE);
        }
    }

    [LibraryImport(Lib, SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}

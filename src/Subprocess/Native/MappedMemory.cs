using System.Buffers;

namespace Subprocess.Native;

/// <summary>
/// A <see cref="Mmap"/> mapping as <see cref="Memory{T}"/>. Releasing it unmaps the memory, unless it
/// is lent (<see cref="Lend"/>), in which case the unmap waits for <see cref="Return"/>: a pump reading
/// into it must never have the pages pulled out from under the kernel's copy. Dropped unreleased, it
/// is unmapped by its handle's finalizer.
/// </summary>
internal sealed unsafe class MappedMemory(int length) : MemoryManager<byte>
{
    private readonly SafeMappingHandle _mapping = new(length);

    /// <summary>Whether this platform maps memory this way (Linux); elsewhere callers use managed arrays.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Keeps the memory mapped until the matching <see cref="Return"/>, even through <c>Dispose</c>.</summary>
    /// <exception cref="ObjectDisposedException">The memory was already disposed.</exception>
    public void Lend()
    {
        bool added = false;
        _mapping.DangerousAddRef(ref added);
    }

    /// <summary>Ends a <see cref="Lend"/>; unmaps the memory if it was released meanwhile.</summary>
    public void Return() => _mapping.DangerousRelease();

    /// <summary>Unmaps the memory now, or at the <see cref="Return"/> of a lend still out. Idempotent.</summary>
    public void Release() => ((IDisposable)this).Dispose();

    public override Span<byte> GetSpan() => new((void*)_mapping.DangerousGetHandle(), _mapping.Length);

    // Mapped memory never moves: pinning is just the address.
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_mapping.Length, nameof(elementIndex));
        return new((byte*)_mapping.DangerousGetHandle() + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mapping.Dispose();
        }
    }
}

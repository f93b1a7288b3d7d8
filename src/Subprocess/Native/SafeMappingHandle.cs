using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>
/// Owns one <see cref="Mmap"/> mapping. A SafeHandle so that a mapping whose owner is dropped without
/// being disposed is still unmapped by the finalizer, and so that reference counting can hold it
/// mapped while a read is writing into it, even if it is disposed meanwhile.
/// </summary>
internal sealed class SafeMappingHandle : SafeHandle
{
    private readonly int _length;

    public SafeMappingHandle(int length) : base(invalidHandleValue: 0, ownsHandle: true)
    {
        _length = length;
        SetHandle(Mmap.Map((nuint)length));
        // The GC cannot see this memory; telling it keeps an abandoned mapping from waiting for a
        // collection that a small managed heap would never need.
        GC.AddMemoryPressure(length);
    }

    public int Length => _length;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        GC.RemoveMemoryPressure(_length);
        return Mmap.Unmap(handle, (nuint)_length);
    }
}

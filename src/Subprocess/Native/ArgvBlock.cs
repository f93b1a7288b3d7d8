using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;

namespace Subprocess.Native;

/// <summary>
/// A child's argv as <c>execve</c> takes it, in one native block: the NULL-terminated array of pointers,
/// then the NUL-terminated strings they point to. Each argument is encoded straight into the block, with
/// no managed array of its own: <c>-X</c> hands a job 20,000 arguments, and a byte array for each was
/// most of what the tool allocated. Free it with <see cref="Dispose"/> once the spawn has returned.
/// </summary>
internal sealed unsafe class ArgvBlock : IDisposable
{
    private byte** _pointers;

    /// <summary>Encodes <paramref name="program"/> as argv[0], then each argument in UTF-8, or as its raw
    /// bytes where <paramref name="raw"/> has some for its index.</summary>
    public ArgvBlock(string program, ImmutableArray<string> arguments, ImmutableDictionary<int, byte[]> raw)
    {
        int count = arguments.Length + 1;
        nuint table = (nuint)(count + 1) * (nuint)sizeof(byte*);
        nuint total = table + (nuint)Encoding.UTF8.GetByteCount(program) + 1;
        for (int i = 0; i < arguments.Length; i++)
        {
            total += (nuint)Length(i) + 1;
        }
        var block = (byte*)NativeMemory.Alloc(total);
        _pointers = (byte**)block;
        try
        {
            byte* next = block + table;
            byte* end = block + total;
            _pointers[0] = next;
            next = Put(next, end, program, null);
            for (int i = 0; i < arguments.Length; i++)
            {
                _pointers[i + 1] = next;
                next = Put(next, end, arguments[i], raw.IsEmpty ? null : raw.GetValueOrDefault(i));
            }
            _pointers[count] = null;
        }
        catch
        {
            Dispose();
            throw;
        }

        int Length(int index) => !raw.IsEmpty && raw.TryGetValue(index, out byte[]? bytes)
            ? bytes.Length
            : Encoding.UTF8.GetByteCount(arguments[index]);
    }

    /// <summary>The pointer array, as <c>posix_spawn</c> takes it.</summary>
    public byte** Pointers => _pointers != null ? _pointers : throw new ObjectDisposedException(nameof(ArgvBlock));

    /// <summary>Frees the block.</summary>
    public void Dispose()
    {
        NativeMemory.Free(_pointers);
        _pointers = null;
    }

    /// <summary>Writes one string and its NUL at <paramref name="at"/>; returns where the next one goes.</summary>
    private static byte* Put(byte* at, byte* end, string text, byte[]? bytes)
    {
        var space = new Span<byte>(at, (int)(end - at));
        int length = bytes is null ? Encoding.UTF8.GetBytes(text, space) : Copy(bytes, space);
        at[length] = 0;
        return at + length + 1;
    }

    private static int Copy(byte[] bytes, Span<byte> space)
    {
        bytes.CopyTo(space);
        return bytes.Length;
    }
}

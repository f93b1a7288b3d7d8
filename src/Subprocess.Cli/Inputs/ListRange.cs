using System.Collections;

namespace Subprocess.Cli.Inputs;

/// <summary>
/// Consecutive items of a list, read in place: -X cuts 100,000 inputs into jobs of some 20,000 each,
/// and a copy of each job's (<c>GetRange</c>) was memory to fault in for nothing. A collection, so that
/// what copies it (a command's arguments) copies it in one go. The list must not change while it is read.
/// </summary>
/// <typeparam name="T">The items.</typeparam>
/// <param name="list">The list.</param>
/// <param name="start">Where the range starts in it.</param>
/// <param name="count">How many items it holds.</param>
internal sealed class ListRange<T>(List<T> list, int start, int count) : IReadOnlyList<T>, ICollection<T>
{
    /// <summary>The item at <paramref name="index"/> in the range.</summary>
    public T this[int index] => (uint)index < (uint)count ? list[start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>How many items the range holds.</summary>
    public int Count => count;

    /// <summary>Always true.</summary>
    public bool IsReadOnly => true;

    /// <summary>Copies the range into <paramref name="array"/> from <paramref name="arrayIndex"/>.</summary>
    public void CopyTo(T[] array, int arrayIndex) => list.CopyTo(start, array, arrayIndex, count);

    /// <summary>Whether the range holds <paramref name="item"/>.</summary>
    public bool Contains(T item) => list.IndexOf(item, start, count) >= 0;

    /// <summary>The items in order.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < count; i++)
        {
            yield return list[start + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<T>.Add(T item) => throw new NotSupportedException();

    void ICollection<T>.Clear() => throw new NotSupportedException();

    bool ICollection<T>.Remove(T item) => throw new NotSupportedException();
}

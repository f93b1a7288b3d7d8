using System.Collections;
using System.Text;

namespace Subprocess.Launching;

/// <summary>
/// The child's environment as NAME=value byte strings. Built from the parent's managed view
/// (<see cref="System.Environment.GetEnvironmentVariables()"/>), not the C <c>environ</c>, because
/// <c>Environment.SetEnvironmentVariable</c> changes only the managed view.
/// </summary>
internal sealed class EnvironmentBlock
{
    /// <summary>Where programs are looked up when the child's environment has no PATH (glibc's default).</summary>
    public const string DefaultSearchPath = "/usr/bin:/bin";

    /// <summary>The parent's environment as last encoded; reused while it reads back the same.</summary>
    private static InheritedEnvironment? _lastInherited;

    private readonly string[] _names;
    private readonly byte[][] _values;

    private EnvironmentBlock(string[] names, byte[][] values, byte[][] envp, string searchPath)
    {
        _names = names;
        _values = values;
        Envp = envp;
        SearchPath = searchPath;
    }

    /// <summary>NUL-terminated NAME=value entries, as <c>envp</c> wants them. Shared between
    /// spawns: read it, never change it.</summary>
    public byte[][] Envp { get; }

    /// <summary>The child's PATH, which is where its program is looked up.</summary>
    public string SearchPath { get; }

    /// <summary>Name and raw value of each variable, in no particular order.</summary>
    public IEnumerable<(string Name, byte[] Value)> Variables => _names.Select((name, i) => (name, _values[i]));

    public static EnvironmentBlock Create(CommandSpec spec)
    {
        EnvironmentBlock inherited = spec.CleanEnvironment ? InheritedEnvironment.Empty.Block : Inherited().Block;
        if (spec.Environment.IsEmpty)
        {
            return inherited; // immutable, so shared between spawns as it is
        }

        // The inherited entries are already encoded: only the changed variables are encoded here.
        int most = inherited._names.Length + spec.Environment.Count;
        var (names, values, envp) = (new List<string>(most), new List<byte[]>(most), new List<byte[]>(most));
        for (int i = 0; i < inherited._names.Length; i++)
        {
            if (!spec.Environment.ContainsKey(inherited._names[i]))
            {
                names.Add(inherited._names[i]);
                values.Add(inherited._values[i]);
                envp.Add(inherited.Envp[i]);
            }
        }
        foreach ((string name, byte[]? value) in spec.Environment)
        {
            if (value is not null)
            {
                names.Add(name);
                values.Add(value);
                envp.Add(Entry(name, value));
            }
        }
        return new EnvironmentBlock([.. names], [.. values], [.. envp], SearchPathOf(names, values));
    }

    /// <summary>The block of these variables: their envp entries and the PATH that programs are looked up in.</summary>
    private static EnvironmentBlock Of(string[] names, byte[][] values) =>
        new(names, values, [.. names.Select((name, i) => Entry(name, values[i]))], SearchPathOf(names, values));

    private static string SearchPathOf(IList<string> names, IList<byte[]> values)
    {
        int path = names.IndexOf("PATH");
        return path < 0 ? DefaultSearchPath : Encoding.UTF8.GetString(values[path]);
    }

    /// <summary>
    /// The parent's environment, encoded. Encoding every variable for every spawn is most of a
    /// spawn's managed work, so the last encoding is kept and reused while the managed view still
    /// holds exactly the same names and values; any change, through any API, is seen here because
    /// the view is read afresh each time.
    /// </summary>
    private static InheritedEnvironment Inherited()
    {
        IDictionary current = System.Environment.GetEnvironmentVariables();
        InheritedEnvironment? last = Volatile.Read(ref _lastInherited);
        if (last is not null && last.Matches(current))
        {
            return last;
        }
        var fresh = new InheritedEnvironment(current);
        Volatile.Write(ref _lastInherited, fresh);
        return fresh;
    }

    private static byte[] Entry(string name, byte[] value)
    {
        int nameLength = Encoding.UTF8.GetByteCount(name);
        byte[] entry = new byte[nameLength + 1 + value.Length + 1];
        Encoding.UTF8.GetBytes(name, entry);
        entry[nameLength] = (byte)'=';
        value.CopyTo(entry, nameLength + 1);
        return entry;
    }

    /// <summary>No variables at all: the block of a plan whose child is not spawned (a fake's).</summary>
    public static EnvironmentBlock Empty => InheritedEnvironment.Empty.Block;

    /// <summary>One reading of the parent's environment and its block; immutable once built.</summary>
    private sealed class InheritedEnvironment
    {
        public static readonly InheritedEnvironment Empty = new(new Hashtable());

        private readonly Dictionary<string, string> _source;

        public InheritedEnvironment(IDictionary variables)
        {
            _source = new Dictionary<string, string>(variables.Count, StringComparer.Ordinal);
            IDictionaryEnumerator entries = variables.GetEnumerator();
            while (entries.MoveNext())
            {
                _source[(string)entries.Key] = (string?)entries.Value ?? "";
            }
            Block = Of([.. _source.Keys], [.. _source.Values.Select(Encoding.UTF8.GetBytes)]);
        }

        public EnvironmentBlock Block { get; }

        /// <summary>Whether <paramref name="variables"/> holds exactly the names and values this was built from.</summary>
        public bool Matches(IDictionary variables)
        {
            if (variables.Count != _source.Count)
            {
                return false;
            }
            IDictionaryEnumerator entries = variables.GetEnumerator();
            while (entries.MoveNext())
            {
                // The runtime hands out the same string objects until a variable is set, so this
                // is mostly a reference comparison.
                if (!_source.TryGetValue((string)entries.Key, out string? value) ||
                    !string.Equals(value, (string?)entries.Value ?? "", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }
    }
}

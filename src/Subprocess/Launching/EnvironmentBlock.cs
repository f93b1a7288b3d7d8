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

    private EnvironmentBlock(Dictionary<string, byte[]> variables) => Variables = variables;

    /// <summary>Name to raw value, in no particular order.</summary>
    public IReadOnlyDictionary<string, byte[]> Variables { get; }

    /// <summary>The child's PATH, which is where its program is looked up.</summary>
    public string SearchPath =>
        Variables.TryGetValue("PATH", out byte[]? path) ? Encoding.UTF8.GetString(path) : DefaultSearchPath;

    public static EnvironmentBlock Create(CommandSpec spec)
    {
        var variables = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!spec.CleanEnvironment)
        {
            foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                variables[(string)entry.Key] = Encoding.UTF8.GetBytes((string?)entry.Value ?? "");
            }
        }
        foreach ((string name, byte[]? value) in spec.Environment)
        {
            if (value is null)
            {
                variables.Remove(name);
            }
            else
            {
                variables[name] = value;
            }
        }
        return new EnvironmentBlock(variables);
    }

    /// <summary>NUL-terminated NAME=value entries, as <c>envp</c> wants them.</summary>
    public byte[][] ToEnvp()
    {
        var envp = new byte[Variables.Count][];
        int i = 0;
        foreach ((string name, byte[] value) in Variables)
        {
            int nameLength = Encoding.UTF8.GetByteCount(name);
            byte[] entry = new byte[nameLength + 1 + value.Length + 1];
            Encoding.UTF8.GetBytes(name, entry);
            entry[nameLength] = (byte)'=';
            value.CopyTo(entry, nameLength + 1);
            envp[i++] = entry;
        }
        return envp;
    }
}

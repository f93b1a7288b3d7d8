using System.Diagnostics.CodeAnalysis;

namespace Subprocess;

/// <summary>Which of a child's output streams a line came from (<see cref="OutputLine.Stream"/>).</summary>
[SuppressMessage("Naming", "CA1711", Justification = "The name is the contract (issue 12): it names one of a child's output streams.")]
public enum OutputStream
{
    /// <summary>Standard output (descriptor 1).</summary>
    Stdout,

    /// <summary>Standard error (descriptor 2).</summary>
    Stderr,
}

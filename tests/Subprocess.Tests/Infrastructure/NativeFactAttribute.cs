using System.Runtime.CompilerServices;
using Subprocess.Spawning;

namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// A spec of a guarantee only the Linux spawner gives, run with the default spawner. When the suite
/// runs on the portable one (<c>SUBPROCESS_SPAWNER=portable</c>, or where the native one does not
/// apply), it is skipped with the reason: what the portable spawner does instead, as the README's
/// "Elsewhere" says. Specs over both spawners are theories over <see cref="Spawner.Both"/> instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeFactAttribute : FactAttribute
{
    /// <param name="portableDoesInstead">Completes "the portable spawner ...".</param>
    public NativeFactAttribute(string portableDoesInstead, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Spawners.Default is PortableSpawner)
        {
            Skip = $"a guarantee of the Linux spawner; the portable spawner {portableDoesInstead}";
        }
    }
}

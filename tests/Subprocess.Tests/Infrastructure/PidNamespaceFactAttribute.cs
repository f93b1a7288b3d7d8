using System.Runtime.CompilerServices;
using Subprocess.Spawning;

namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// A spec that runs the tests' helper as the first process of a new PID namespace
/// (<c>unshare -pf --mount-proc</c>), where it may choose the next PID and so recycle one on purpose.
/// That needs root (CI runs as root) and the native spawner; elsewhere the spec is skipped, saying which is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PidNamespaceFactAttribute : FactAttribute
{
    public PidNamespaceFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = Spawners.Default is PortableSpawner ? "the portable spawner makes no process groups"
            : Environment.UserName != "root" ? "recycling a PID on purpose takes root, in a PID namespace of its own"
            : !CanUnshare() ? "this machine refuses a new PID namespace (unshare -pf --mount-proc true failed)"
            : null;
    }

    private static bool CanUnshare()
    {
        try
        {
            return Command.Create("unshare", "-pf", "--mount-proc", "true").WithCheck(false)
                .WithStderr(Stdio.Null).WithTimeout(TimeSpan.FromSeconds(10)).Run().ExitStatus.Success;
        }
        catch (ProcessStartException)
        {
            return false;
        }
    }

}

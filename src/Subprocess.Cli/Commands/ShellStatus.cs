namespace Subprocess.Cli.Commands;

/// <summary>A child's end as a shell reports it in <c>$?</c>: its exit code, or 128 plus the number of
/// the signal that killed it. <c>subproc run</c> exits with it; <c>subproc parallel</c> names a failing job by it.</summary>
internal static class ShellStatus
{
    public static int Of(ExitStatus status) => status.Code ?? 128 + status.Signal!.Value;
}

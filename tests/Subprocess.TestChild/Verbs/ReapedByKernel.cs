using System.Runtime.InteropServices;

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Ignores SIGCHLD, so the kernel reaps this process's children itself and waitid reports ECHILD,
/// as it does for an app running as PID 1 without an init; then runs children through the library
/// and prints what it learned of their exits. Only the pidfd exit-info fallback can know them.
/// </summary>
internal static partial class ReapedByKernel
{
    private const int SIGCHLD = 17;
    private static readonly nint SIG_IGN = 1;

    public static int Run()
    {
        if (signal(SIGCHLD, SIG_IGN) == -1)
        {
            Console.Error.WriteLine("signal(SIGCHLD, SIG_IGN) failed");
            return 3;
        }
        ExitStatus exited = Command.Shell("exit 7").WithCheck(false).Run().ExitStatus;
        using ChildProcess sleeper = Command.Create("sleep", "30").Start();
        sleeper.Terminate();
        ExitStatus killed = sleeper.Wait(TimeSpan.FromSeconds(10));
        Console.WriteLine($"{exited.ReturnCode} {killed.ReturnCode}");
        return 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint signal(int signum, nint handler);
}

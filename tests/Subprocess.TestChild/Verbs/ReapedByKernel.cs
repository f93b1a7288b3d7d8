using System.Runtime.InteropServices;

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Ignores SIGCHLD, so the kernel reaps this process's children itself and waitid reports ECHILD,
/// as it does for an app running as PID 1 without an init; then runs children through the library
/// and prints what it learned of their exits. Only the pidfd exit-info fallback can know them.
/// Then spawns from three threads at once and prints how many of those runs went wrong: one spawn
/// restoring SIGCHLD's default must not make another trust it and lose its child to the kernel.
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
        int wrong = 0;
        Parallel.For(0, 3000, new ParallelOptions { MaxDegreeOfParallelism = 3 }, _ =>
        {
            try
            {
                if (Command.Create("true").Run().ExitStatus.ReturnCode != 0)
                {
                    Interlocked.Increment(ref wrong);
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or SubprocessException)
            {
                Interlocked.Increment(ref wrong);
                Console.Error.WriteLine(e.Message);
            }
        });
        Console.WriteLine($"{exited.ReturnCode} {killed.ReturnCode} {wrong}");
        return 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint signal(int signum, nint handler);
}

using System.Runtime.InteropServices;

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Handles SIGTERM itself by cancelling it (registered before the library's handlers, so the library's
/// run first: it ends the children, then this handler keeps the process alive), starts a child, sends
/// itself SIGTERM, and prints what it then learns: whether the child was ended, and the output of a
/// child started afterwards, which must run once the process turns out to live on.
/// </summary>
internal static partial class OutliveSignal
{
    public static int Run()
    {
        using var handled = new ManualResetEventSlim();
        using PosixSignalRegistration cancel = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            handled.Set();
        });
        using ChildProcess before = Command.Create("sleep", "30").Start();
        _ = Kill(Environment.ProcessId, 15);
        handled.Wait();
        Console.WriteLine($"before: {before.Wait(TimeSpan.FromSeconds(10))}");
        Console.WriteLine($"after: {Command.Create("echo", "started").Capture().StdoutText.Trim()}");
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Starts children that would outlive this process if the library did not end them, prints
/// "ready", then ends itself as <c>mode</c> says: <c>exit</c> (return from Main), <c>throw</c> (an
/// unhandled exception), <c>wait</c> (block until a signal ends it), <c>detached GO ALIVE</c> (the
/// child is started detached, then return: it must survive, and it writes ALIVE once GO exists).
/// </summary>
internal static class LeaveChildren
{
    public static int Run(string mode, string[] files)
    {
        if (mode == "detached" && files.Length == 2)
        {
            Command.Create("sh", "-c", "while [ ! -e \"$1\" ]; do sleep 0.05; done; echo alive > \"$2\"", "sh", files[0], files[1])
                .Detached().Start();
            Console.WriteLine("ready");
            return 0;
        }
        // One child in this process's group, one leading its own group with a grandchild of its own.
        Command.Create("sleep", "30").Start();
        Command.Shell("sleep 30 & wait").WithNewProcessGroup().Start();
        Console.WriteLine("ready");
        switch (mode)
        {
            case "exit":
                return 0;
            case "throw":
                throw new InvalidOperationException("unhandled, on purpose");
            case "wait":
                Thread.Sleep(Timeout.Infinite);
                return 0;
            default:
                Console.Error.WriteLine($"unknown mode {mode}");
                return 2;
        }
    }
}

namespace Subprocess.TestChild.Verbs;

/// <summary>
/// Keeps starting children from four threads, some alone, some leading a group of their own, none
/// ever disposed; prints "ready" once each thread has started one; then ends itself as <c>mode</c>
/// says (<c>exit</c>, <c>throw</c>, or <c>wait</c> for a signal), the threads still starting. A start
/// that races this process's end must not leave a child running: it is ended, or refused.
/// </summary>
internal static class StartWhileEnding
{
    public static int Run(string mode)
    {
        using var started = new CountdownEvent(4);
        for (int t = 0; t < 4; t++)
        {
            new Thread(() =>
            {
                bool first = true;
                for (int i = 0; i < 400; i++)
                {
                    try
                    {
                        Command command = i % 2 == 0 ? Command.Create("sleep", "30") : Command.Create("sleep", "30").WithNewProcessGroup();
                        command.Start();
                    }
                    catch (ProcessStartException)
                    {
                        // Refused: this process is ending.
                    }
                    if (first)
                    {
                        started.Signal();
                        first = false;
                    }
                    Thread.Sleep(10);
                }
            }) { IsBackground = true }.Start();
        }
        started.Wait();
        Console.WriteLine("ready");
        Thread.Sleep(100);
        switch (mode)
        {
            case "exit":
                return 0;
            case "throw":
                throw new InvalidOperationException("unhandled, on purpose");
            default:
                Thread.Sleep(Timeout.Infinite);
                return 0;
        }
    }
}

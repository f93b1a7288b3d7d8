namespace Subprocess.TestChild.Verbs;

/// <summary>Starts <c>./program</c>, a path relative to the current directory, and prints how that
/// went: "started", or the exception's type and message. Run from a directory that has been
/// removed, it shows what a relative program means when there is no current directory.</summary>
internal static class StartRelative
{
    public static int Run()
    {
        try
        {
            using ChildProcess child = Command.Create("./program").Start();
            Console.WriteLine("started");
        }
        catch (Exception e)
        {
            Console.WriteLine($"{e.GetType().Name}: {e.Message}");
        }
        return 0;
    }
}

namespace Subprocess.TestChild.Verbs;

/// <summary>Starts <c>sleep SECONDS</c> on HOST (of the ssh configuration CONFIG), says <c>started</c>,
/// and exits with it still running, leaving its end to the library's exit handling.</summary>
internal static class RemoteSleep
{
    public static int Run(string config, string destination, string seconds)
    {
        var host = new SshHost(destination) { ConfigFile = config };
        _ = Command.Create("sleep", seconds).OnHost(host).WithStdout(Stdio.Null).Start();
        Console.WriteLine("started");
        Console.Out.Flush();
        Thread.Sleep(500);
        return 0;
    }
}

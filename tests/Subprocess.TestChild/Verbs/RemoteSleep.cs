namespace Subprocess.TestChild.Verbs;

/// <summary>Starts <c>sleep SECONDS</c> on HOST (of the ssh configuration CONFIG), says <c>started</c>,
/// waits for a line on stdin (the spec has seen the sleep run), and exits with it still running,
/// leaving its end to the library's exit handling.</summary>
internal static class RemoteSleep
{
    public static int Run(string config, string destination, string seconds)
    {
        var host = new SshHost(destination) { ConfigFile = config };
        _ = Command.Create("sleep", seconds).OnHost(host).WithStdin(Stdio.Null).WithStdout(Stdio.Null).Start();
        Console.WriteLine("started");
        Console.Out.Flush();
        Console.In.ReadLine();
        return 0;
    }
}

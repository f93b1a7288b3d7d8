using Subprocess.Spawning;

namespace Subprocess.TestChild.Verbs;

/// <summary>Starts <c>sleep 31</c>, tracks beside it controls whose every signal throws (as the runtime's own
/// machinery may, in a state no test can bring about), says <c>ready</c>, and exits: the exit handler must
/// still end the sleep, and must not turn the exit into a crash. The handler meets the tracked controls in
/// the dictionary's order, which no one chooses: with 32 that throw, one comes before the sleep in all but
/// about one run in 33, so a handler that stopped at the first failure leaves the sleep running.</summary>
internal static class ThrowingControl
{
    public static int Run()
    {
        _ = Command.Create("sleep", "31").Start();
        for (int i = 0; i < 32; i++)
        {
            LiveChildren.Track(new Throwing(), TimeSpan.FromSeconds(1));
        }
        Console.WriteLine("ready");
        Console.Out.Flush();
        return 0;
    }

    private sealed class Throwing() : ProcessControl(int.MaxValue, 0)
    {
        public override ExitStatus? Poll() => null;

        public override bool Signal(int signal, bool group) => throw new InvalidOperationException("a control that fails, on purpose");

        public override void Dispose()
        {
        }
    }
}

namespace Subprocess.Tests.Infrastructure;

/// <summary>
/// A child that a spec interrupts must get the signal even when the suite was started with it ignored
/// (SIGHUP under <c>nohup</c>, SIGINT in a background job or under some CI runners): an ignored signal
/// is inherited across exec, and the library keeps it ignored in its children on purpose (a background
/// job's children must not die of the terminal's Ctrl-C). <c>env --default-signal</c> puts every signal
/// back to its default for that child alone, then execs the program in the same process.
/// </summary>
public static class Interruptible
{
    public static Command Command(string program, IEnumerable<string> arguments) =>
        Subprocess.Command.Create("env", ["--default-signal", program, .. arguments]);
}

using Subprocess.TestChild.Verbs;

// A child for behaviours no system tool gives cleanly. One verb per file; usage: TestChild VERB [ARGS].
return args.FirstOrDefault() switch
{
    "reaped-by-kernel" => ReapedByKernel.Run(),
    "full-descriptor-table" => FullDescriptorTable.Run(),
    "start-relative" => StartRelative.Run(),
    "terminal-group" => await TerminalGroup.RunAsync(),
    "recycled-group" => RecycledGroup.Run(),
    "outlive-signal" => OutliveSignal.Run(),
    "start-while-ending" when args.Length == 2 => StartWhileEnding.Run(args[1]),
    "throwing-control" => ThrowingControl.Run(),
    "remote-sleep" when args.Length == 4 => RemoteSleep.Run(args[1], args[2], args[3]),
    "leave-children" when args.Length >= 2 => LeaveChildren.Run(args[1], args[2..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Subprocess.TestChild reaped-by-kernel | full-descriptor-table | start-relative | terminal-group | recycled-group | start-while-ending exit|throw|wait | outlive-signal | leave-children exit|throw|wait|detached GO ALIVE | remote-sleep CONFIG HOST SECONDS | throwing-control");
    return 2;
}

using System.Globalization;

// Usage: Peers MEASUREMENT LIBRARY N
//   pipeline   N bytes through `head -c N /dev/zero | wc -c`: <wc output> <wall s> <parent CPU s> <peak RSS KiB>
//   spawn      N sequential spawn + wait of /bin/true:        <ms per spawn>
//   capture    N sequential `echo hi` with stdout captured:   <ms per spawn>
//   fanout     N `sleep 1` started at once, then all awaited:  <wall s> <idle threads> <warm threads> <peak threads> <peak RSS KiB>
//   bigcapture N bytes of `head -c N /dev/zero` into a byte[]: <bytes> <wall s> <peak RSS KiB>
//   lines      N lines of `seq N` read one at a time, counted:  <lines> <wall s>
// LIBRARY is subprocess, process, cliwrap or medallion; subprocess-listened is subprocess with its
// activities and metrics listened to (bench/telemetry.sh). Each run first does the same work once,
// small, so JIT compilation counts as start-up, as an interpreter's would.
if (args.Length != 3 || !long.TryParse(args[2], CultureInfo.InvariantCulture, out long n))
{
    Console.Error.WriteLine("usage: Peers pipeline|spawn|capture|fanout|bigcapture|lines subprocess|subprocess-listened|process|cliwrap|medallion N");
    return 2;
}
IDisposable[] listeners = args[1] == "subprocess-listened" ? Listening.Start() : [];
IPeer peer = args[1] switch
{
    "subprocess" or "subprocess-listened" => new SubprocessPeer(),
    "process" => new ProcessPeer(),
    "cliwrap" => new CliWrapPeer(),
    "medallion" => new MedallionPeer(),
    _ => throw new ArgumentException($"unknown library {args[1]}"),
};
string line = args[0] switch
{
    "pipeline" => await Measurements.PipelineAsync(peer, n),
    "spawn" => await Measurements.SequentialAsync(peer.TrueAsync, (int)n),
    "capture" => await Measurements.SequentialAsync(async () => Measurements.Expect("hi\n", await peer.EchoAsync()), (int)n),
    "fanout" => await Measurements.FanOutAsync(peer, (int)n),
    "bigcapture" => await Measurements.BigCaptureAsync(peer, n),
    "lines" => await Measurements.LinesAsync(peer, n),
    _ => throw new ArgumentException($"unknown measurement {args[0]}"),
};
Console.WriteLine(line);
Array.ForEach(listeners, listener => listener.Dispose());
return 0;

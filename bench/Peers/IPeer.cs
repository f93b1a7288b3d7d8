/// <summary>One library's idiomatic way to do each benchmarked thing.</summary>
internal interface IPeer
{
    /// <summary>Spawn <c>/bin/true</c> and wait for it.</summary>
    Task TrueAsync();

    /// <summary>Run <c>/bin/echo hi</c> (by path, as every peer does, the C loop too) and return its captured stdout.</summary>
    Task<string> EchoAsync();

    /// <summary>Start <c>sleep SECONDS</c> and return a task that completes when it has exited.</summary>
    Task StartSleep(string seconds);

    /// <summary>Capture all of <c>head -c N /dev/zero</c> into one array.</summary>
    Task<byte[]> CaptureZerosAsync(long bytes);

    /// <summary>Run <c>head -c N /dev/zero | wc -c</c> and return wc's output.</summary>
    Task<string> PipelineAsync(long bytes);

    /// <summary>Run <c>seq N</c> and count its stdout lines, read one at a time as they arrive, the library's own way.</summary>
    Task<long> CountLinesAsync(long lines);
}

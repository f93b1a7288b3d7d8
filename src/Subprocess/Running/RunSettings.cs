namespace Subprocess.Running;

/// <summary>What applies to a started command or pipeline as a whole: how it is named, timed, ended and checked.</summary>
/// <param name="Display">Makes <see cref="CommandLine"/>, once, when first asked for.</param>
/// <param name="Timeout">How long <c>Run</c> and <c>Capture</c> let it run (null: no limit).</param>
/// <param name="GracePeriod">Time between SIGTERM and SIGKILL when it is ended.</param>
/// <param name="DrainTimeout">How long pipes are still read after the exits, in total.</param>
/// <param name="MaxOutput">The most bytes captured from each stream.</param>
/// <param name="Check">Whether <c>Run</c> and <c>Capture</c> throw on a failed verdict.</param>
/// <param name="Detached">Left running by <c>Dispose</c> and by this process's exit.</param>
internal sealed record RunSettings(Lazy<string> Display, TimeSpan? Timeout, TimeSpan GracePeriod, TimeSpan DrainTimeout,
    long MaxOutput, bool Check, bool Detached)
{
    /// <summary>The command line as a shell would write it, for messages and results. Quoted and joined
    /// only when something names it: a job of 20,000 arguments (-X) mostly runs without anyone asking.</summary>
    public string CommandLine => Display.Value;

    /// <summary>How text going in is encoded and text coming out decoded (input strings, the text views, lines).</summary>
    public System.Text.Encoding Encoding { get; init; } = CommandSpec.DefaultEncoding;

    /// <summary>A command's own settings.</summary>
    public static RunSettings Of(CommandSpec command) => new(new(() => command.CommandLine), command.Timeout, command.GracePeriod,
        command.DrainTimeout, command.MaxOutput, command.Check, command.Detached) { Encoding = command.Encoding };
}

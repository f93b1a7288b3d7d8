namespace Subprocess.Launching;

/// <summary>
/// A command made ready to spawn: the program resolved to a path, argv and envp as bytes, the
/// working directory checked. Built by <see cref="Create"/>, which throws
/// <see cref="ProcessStartException"/> for anything that would make the spawn fail.
/// </summary>
internal sealed class LaunchPlan
{
    private LaunchPlan(CommandSpec spec, string executablePath, EnvironmentBlock environment)
    {
        Spec = spec;
        ExecutablePath = executablePath;
        Environment = environment;
    }

    public CommandSpec Spec { get; }

    public string CommandLine => Spec.CommandLine;

    /// <summary>The absolute path that will be executed.</summary>
    public string ExecutablePath { get; }

    public EnvironmentBlock Environment { get; }

    /// <summary>The same resolved program and environment with different stdio wiring or grouping.</summary>
    public LaunchPlan With(CommandSpec spec) => new(spec, ExecutablePath, Environment);

    public static LaunchPlan Create(CommandSpec spec)
    {
        if (spec.WorkingDirectory is string dir && !Directory.Exists(dir))
        {
            string reason = System.IO.File.Exists(dir)
                ? $"the working directory {dir} is a file, not a directory"
                : $"the working directory {dir} does not exist";
            throw new ProcessStartException(spec.Program, dir, Native.Errno.ENOENT, reason);
        }
        var environment = EnvironmentBlock.Create(spec);
        string path = ProgramResolver.Resolve(spec.Program, environment.SearchPath, spec.WorkingDirectory);
        return new LaunchPlan(spec, path, environment);
    }
}

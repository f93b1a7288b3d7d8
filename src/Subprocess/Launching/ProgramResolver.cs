namespace Subprocess.Launching;

/// <summary>
/// Finds the file a program name stands for, the way <c>execvp</c> would in the child, but in the
/// parent and before spawning, so "not found" is an exception that says where it looked rather than
/// an exit code 127.
/// </summary>
internal static class ProgramResolver
{
    /// <summary>
    /// A program with a <c>/</c> is a path (relative to the child's working directory); any other
    /// name is searched in <paramref name="searchPath"/> (the child's PATH; an empty entry means the
    /// working directory). Returns an absolute path to an executable file.
    /// </summary>
    public static string Resolve(string program, string searchPath, string? workingDirectory)
    {
        // The current directory is asked for (a getcwd) only when a relative name needs it.
        string? current = workingDirectory;
        string BaseDirectory() => current ??= CurrentDirectory(program);
        // Joined, not normalised: the kernel resolves ".." after following symbolic links, so a lexical
        // normalisation would refuse dir/link/../bin/true, which the kernel runs; "." is always safe to drop.
        string Full(string path) => Path.IsPathRooted(path) ? path : Path.Join(BaseDirectory(), WithoutLeadingDots(path));
        if (program.Contains('/', StringComparison.Ordinal))
        {
            string path = Full(program);
            string? problem = Problem(path, out int errno);
            return problem is null ? path : throw new ProcessStartException(program, workingDirectory, errno, problem);
        }

        string? firstProblem = null;
        int firstErrno = Native.Errno.ENOENT;
        foreach (string entry in searchPath.Split(':'))
        {
            string candidate = Full(Path.Combine(entry.Length == 0 ? BaseDirectory() : entry, program));
            string? problem = Problem(candidate, out int errno);
            if (problem is null)
            {
                return candidate;
            }
            if (firstProblem is null && errno != Native.Errno.ENOENT)
            {
                firstProblem = problem;
                firstErrno = errno;
            }
        }
        throw new ProcessStartException(program, workingDirectory, firstErrno, firstProblem is null
            ? $"not found on PATH ({searchPath}); pass a full path or fix PATH"
            : $"{firstProblem}, and no executable of that name is elsewhere on PATH ({searchPath})");
    }

    private static string WithoutLeadingDots(string path)
    {
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..].TrimStart('/');
        }
        return path;
    }

    /// <summary>This process's current directory, which a relative program is found from.</summary>
    private static string CurrentDirectory(string program)
    {
        try
        {
            return Directory.GetCurrentDirectory();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProcessStartException(program, null, Native.Errno.ENOENT,
                $"it is relative to the current directory, which no longer exists ({e.Message}); pass a full path or use WithWorkingDirectory", e);
        }
    }

    /// <summary>Why <paramref name="path"/> cannot be executed, or null if it can.</summary>
    private static string? Problem(string path, out int errno)
    {
        // access() first: on a PATH search most candidates do not exist, and that costs one call.
        int access = Native.FileChecks.ExecuteAccess(path);
        if (access is (0 or Native.Errno.EACCES) && Directory.Exists(path))
        {
            errno = Native.Errno.EACCES;
            return $"{path} is a directory, not a program";
        }
        errno = access;
        return access switch
        {
            0 => null,
            Native.Errno.EACCES => $"{path} is not executable (permission denied); chmod +x it or run it through its interpreter",
            _ => $"{path} does not exist",
        };
    }
}

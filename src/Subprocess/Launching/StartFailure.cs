using System.Text;

namespace Subprocess.Launching;

/// <summary>Says why an <c>execve</c> of a resolved program failed, in terms of what to fix.</summary>
internal static class StartFailure
{
    /// <summary>
    /// The reason for <paramref name="errno"/> from executing <paramref name="path"/>. A script whose
    /// <c>#!</c> interpreter is missing fails with ENOENT although the script itself exists: that
    /// names the interpreter, not the script.
    /// </summary>
    public static string Describe(string path, int errno)
    {
        if (errno == Native.Errno.ENOENT && Interpreter(path) is string interpreter)
        {
            return $"{path}: its interpreter {interpreter}, named on its #! line, does not exist";
        }
        return $"{path}: {Native.Errno.Describe(errno)}";
    }

    private static string? Interpreter(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[256];
            int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (read < 3 || head[0] != '#' || head[1] != '!')
            {
                return null;
            }
            string line = Encoding.UTF8.GetString(head[2..read]).Split('\n')[0].Trim();
            string interpreter = line.Split([' ', '\t'], 2)[0];
            return interpreter.Length > 0 ? interpreter : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

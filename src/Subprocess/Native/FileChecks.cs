using System.Text;

namespace Subprocess.Native;

/// <summary>File permission checks that need the kernel's view, not the mode bits alone.</summary>
internal static unsafe class FileChecks
{
    /// <summary><c>access(path, X_OK)</c>: whether this process may execute the file. Off Unix, true.</summary>
    public static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return Libc.access(p, Libc.X_OK) == 0;
        }
    }
}

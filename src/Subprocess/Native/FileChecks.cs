using System.Text;

namespace Subprocess.Native;

/// <summary>File permission checks that need the kernel's view, not the mode bits alone.</summary>
internal static unsafe class FileChecks
{
    /// <summary><c>access(path, X_OK)</c>: 0 if this process may execute the file, else the errno
    /// (ENOENT: nothing there; EACCES: there but not executable). One system call, so a PATH search
    /// costs one per directory. Off Unix, 0.</summary>
    public static int ExecuteAccess(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return 0;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return Libc.access(p, Libc.X_OK) == 0 ? 0 : Errno.Last;
        }
    }
}

using System.Runtime.InteropServices;

namespace Subprocess.Native;

/// <summary>The one place that turns an errno value into text and exceptions.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int ECHILD = 10;
    public const int EPIPE = 32;

    /// <summary>The errno left by the last <c>SetLastError</c> call on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>strerror's text for <paramref name="errno"/>, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>An exception for a failed system call that should never fail in normal use.</summary>
    public static IOException Failure(string call, int errno) =>
        new($"{call} failed: {Describe(errno)} (errno {errno})", errno);

    public static IOException LastFailure(string call) => Failure(call, Last);
}

using Microsoft.Win32.SafeHandles;

namespace Subprocess.Spawning;

/// <summary>Opens a <see cref="Stdio.File"/> target in the parent, so a bad path fails at start with .NET's own clear exception.</summary>
internal static class FileTargets
{
    /// <summary><see cref="Open"/> as a stream, for a spawner that copies the child's bytes itself.</summary>
    public static FileStream OpenStream(Stdio.FileTarget file, bool input) =>
        new(Open(file, input), input ? FileAccess.Read : FileAccess.Write);

    public static SafeFileHandle Open(Stdio.FileTarget file, bool input)
    {
        if (input)
        {
            return File.OpenHandle(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        SafeFileHandle handle = File.OpenHandle(
            file.Path, file.Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        if (file.Append && !OperatingSystem.IsWindows())
        {
            Native.Fcntl.SetAppend(handle);
        }
        return handle;
    }
}

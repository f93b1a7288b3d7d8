namespace Subprocess.Tests.Infrastructure;

public static class Scripts
{
    /// <summary>Writes a /bin/sh script with <paramref name="body"/> and makes it executable by its owner.</summary>
    public static async Task WriteExecutable(string path, string body)
    {
        await File.WriteAllTextAsync(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

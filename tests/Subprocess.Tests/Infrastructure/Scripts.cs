namespace Subprocess.Tests.Infrastructure;

public static class Scripts
{
    /// <summary>Writes a script with <paramref name="body"/>, run by <paramref name="interpreter"/> (its
    /// <c>#!</c> line), and makes it executable by its owner.</summary>
    public static async Task WriteExecutable(string path, string body, string interpreter = "/bin/sh")
    {
        await File.WriteAllTextAsync(path, $"#!{interpreter}\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

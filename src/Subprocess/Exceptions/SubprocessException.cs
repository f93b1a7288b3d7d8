namespace Subprocess;

/// <summary>The base of every exception this library throws about a child process.</summary>
public abstract class SubprocessException : Exception
{
    private protected SubprocessException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

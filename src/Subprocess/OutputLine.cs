namespace Subprocess;

/// <summary>
/// One line a child wrote (<see cref="Command.ReadLinesAsync"/>): its text, decoded as UTF-8, without
/// its <c>\n</c> (a <c>\r</c> before it stays, as the child wrote it), and the stream it came from. A
/// last line without a <c>\n</c> is still a line.
/// </summary>
/// <param name="Text">The line without its <c>\n</c>.</param>
/// <param name="Stream">Stdout or stderr.</param>
public readonly record struct OutputLine(string Text, OutputStream Stream)
{
    /// <summary>The line's text.</summary>
    public override string ToString() => Text;
}

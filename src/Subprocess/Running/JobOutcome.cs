using Subprocess.Pipes;

namespace Subprocess.Running;

/// <summary>How a job ended: its verdict (null if it could not be told), what was collected, and whether its timeout passed.</summary>
internal sealed record JobOutcome(ExitStatus? Verdict, Communication? Collected, bool TimedOut);

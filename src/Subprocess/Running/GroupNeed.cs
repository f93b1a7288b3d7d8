namespace Subprocess.Running;

/// <summary>Why started stages would lead a process group of their own (see <see cref="StartRequest.GetsProcessGroup"/>).</summary>
internal enum GroupNeed
{
    /// <summary>Only if a command asks (<c>WithNewProcessGroup</c>, <c>Detached</c>).</summary>
    None,

    /// <summary>So that ending them reaches their whole tree (a pipeline, a timeout, an output limit, a
    /// call that can be cancelled), unless that would stop a stage sharing this process's terminal.</summary>
    ToEndTheTree,

    /// <summary>Whatever their streams: jobs run side by side, which cannot share a terminal's input
    /// anyway and must each be ended whole (GNU parallel's jobs lead groups of their own too).</summary>
    Always,
}

namespace Subprocess.Running;

/// <summary>Which stage's status speaks for a pipeline (bash's <c>pipefail</c>, with SIGPIPE forgiven).</summary>
internal static class Verdict
{
    /// <summary>
    /// The index of the right-most stage that failed, or -1 if none did. A stage other than the last
    /// that died of SIGPIPE did not fail: a later stage stopped reading, which is how <c>yes | head -1</c> ends.
    /// </summary>
    public static int FailingStage(IReadOnlyList<ExitStatus> statuses)
    {
        for (int i = statuses.Count - 1; i >= 0; i--)
        {
            bool forgiven = i < statuses.Count - 1 && statuses[i].Signal == Native.Signals.SIGPIPE;
            if (!statuses[i].Success && !forgiven)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The right-most failing stage's status, else the last stage's.</summary>
    public static ExitStatus Of(IReadOnlyList<ExitStatus> statuses)
    {
        int failing = FailingStage(statuses);
        return statuses[failing >= 0 ? failing : ^1];
    }
}

namespace Subprocess.Native;

/// <summary>Linux signal numbers (the same on x86-64 and arm64) and their conventional names: the one
/// place they are written down.</summary>
internal static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGABRT = 6;
    public const int SIGKILL = 9;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGTSTP = 20;
    public const int SIGTTIN = 21;
    public const int SIGTTOU = 22;
    public const int SIGURG = 23;
    public const int SIGXFSZ = 25;
    public const int SIGWINCH = 28;

    /// <summary>The highest signal number on Linux (glibc's _NSIG - 1).</summary>
    public const int SIGRTMAX = 64;

    /// <summary>The conventional name of a signal number ("SIGTERM"), or "signal N".</summary>
    public static string Name(int signal) => signal switch
    {
        SIGHUP => "SIGHUP", SIGINT => "SIGINT", SIGQUIT => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", SIGABRT => "SIGABRT",
        7 => "SIGBUS", 8 => "SIGFPE", SIGKILL => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2",
        SIGPIPE => "SIGPIPE", 14 => "SIGALRM", SIGTERM => "SIGTERM", SIGCHLD => "SIGCHLD", SIGCONT => "SIGCONT",
        SIGSTOP => "SIGSTOP", SIGTSTP => "SIGTSTP", SIGTTIN => "SIGTTIN", SIGTTOU => "SIGTTOU", SIGURG => "SIGURG",
        24 => "SIGXCPU", SIGXFSZ => "SIGXFSZ", 26 => "SIGVTALRM", 27 => "SIGPROF", SIGWINCH => "SIGWINCH",
        _ => $"signal {signal}",
    };
}

using System.Runtime.InteropServices;

namespace Promptly.Tests.Support;

/// <summary>POSIX signals to a process this test run started, by its id (.NET itself only sends SIGKILL).</summary>
internal static class ProcessSignals
{
    public const int Term = 15;

    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"Signal {signal} to {pid} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    // DllImport rather than LibraryImport, whose generated code needs unsafe blocks allowed in the whole test project.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

namespace Promptly.Load;

/// <summary>
/// What every <c>promptly</c> command exits with (<c>analyze</c>, <c>bench</c>, <c>load</c>), so a pipeline can tell
/// a slow server (1) from a broken one (2) and from a wrong command line (3).
/// </summary>
/// <remarks>
/// Bad arguments have a code of their own, never 1: a typo in a pipeline must not read as a verdict on the server.
/// </remarks>
internal static class ExitCodes
{
    /// <summary>Done; for <c>bench</c> and <c>load</c>, every budget was kept.</summary>
    public const int Ok = 0;

    /// <summary>Measured, and over the budget: <c>bench</c>'s p95, or a phase of <c>load</c> marked MISSED.</summary>
    public const int BudgetMissed = 1;

    /// <summary>
    /// Nothing to report: the server could not be reached, did not answer in time, answered an error or something
    /// that is not Promptly's answer; or, for <c>analyze</c>, there is no usable database.
    /// </summary>
    public const int Unavailable = 2;

    /// <summary>Bad arguments, options, scenario file, or a question the server refuses (its 400); nothing was measured.</summary>
    public const int Usage = 3;

    /// <summary><c>load --verify</c>: a turn the server acknowledged is missing, or a session is stored out of order.</summary>
    public const int NotStored = 4;
}

/// <summary>Ends the command with <see cref="ExitCode"/> and its message as the one line written to stderr.</summary>
internal sealed class CommandException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public static CommandException Usage(string message) => new(ExitCodes.Usage, message);

    public static CommandException Unavailable(string message, Exception? inner = null) => new(ExitCodes.Unavailable, message, inner);
}

namespace Promptly.Cli;

/// <summary>What <c>promptly analyze</c> exits with, so scripts can tell a wrong question from a missing answer.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad arguments, or a request the analytics refuse (the server's 400).</summary>
    public const int Invalid = 1;

    /// <summary>No data source: the server is unreachable or failed, or there is no database in the data folder.</summary>
    public const int Unavailable = 2;
}

/// <summary>Ends the command with <see cref="ExitCode"/> and its message as the one line written to stderr.</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Invalid(string message) => new(ExitCodes.Invalid, message);

    public static CliException Unavailable(string message, Exception? inner = null) => new(ExitCodes.Unavailable, message, inner);
}

namespace Promptly.Bench;

/// <summary>
/// What <c>promptly bench</c> exits with, so a deployment pipeline can tell a slow server (1) from a broken one (2)
/// and from a wrong command line (3).
/// </summary>
/// <remarks>
/// <c>analyze</c> exits 1 for bad arguments; bench cannot, because 1 means "measured and over budget" here. Its bad
/// arguments get a code of their own so that a typo in a pipeline never reads as a verdict on the server.
/// </remarks>
internal static class BenchExitCodes
{
    /// <summary>N turns measured and their client-side p95 is within the budget.</summary>
    public const int WithinBudget = 0;

    /// <summary>N turns measured and their client-side p95 is over the budget.</summary>
    public const int OverBudget = 1;

    /// <summary>Nothing measured: the server could not be reached, did not answer in time, answered an error or something that is not Promptly's answer.</summary>
    public const int Unavailable = 2;

    /// <summary>Bad arguments; no request was sent.</summary>
    public const int Usage = 3;
}

using Promptly.Load;

namespace Promptly.Bench;

/// <summary>One run of <c>promptly bench</c>, checked.</summary>
/// <param name="Server">The server's base URL, ending in '/' so that a path prefix is kept.</param>
/// <param name="Turns">Turns to measure, 1 to <see cref="MaxTurns"/>.</param>
/// <param name="P95BudgetMs">The client-side p95 the server must stay within, in ms.</param>
/// <param name="Concept">The guide the interviews run on.</param>
/// <param name="Timeout">How long one request may take before the run fails.</param>
internal sealed record BenchArguments(Uri Server, int Turns, double P95BudgetMs, string Concept, TimeSpan Timeout, bool Json)
{
    public const int DefaultTurns = 10;
    public const int MaxTurns = 10_000;
    public const double DefaultP95BudgetMs = 5000;
    public const double DefaultTimeoutSeconds = 30;

    /// <summary>
    /// The built-in guide with the longest interviews: 20 turns when answers are short (every one of its ten questions
    /// gets its probe), so few sessions are started.
    /// </summary>
    public const string DefaultConcept = InterviewDriver.DefaultConcept;
}

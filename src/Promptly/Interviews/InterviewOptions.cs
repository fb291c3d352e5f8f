using System.ComponentModel.DataAnnotations;

namespace Promptly.Interviews;

/// <summary>Limits of the interview API. Bound from the <c>Interviews</c> section.</summary>
internal sealed class InterviewOptions
{
    public const string Section = "Interviews";

    /// <summary>Longest accepted <c>user_input</c>, in characters. Default 4000 (about 700 words).</summary>
    [Range(1, 100_000)]
    public int MaxInputChars { get; set; } = 4000;

    /// <summary>Longest accepted candidate name, in characters. Default 200.</summary>
    [Range(1, 10_000)]
    public int MaxCandidateChars { get; set; } = 200;

    /// <summary>
    /// Sessions kept in memory between turns. Past this the least recently used are dropped and read back from the
    /// database on their next turn, so memory stays bounded however many interviews run. Default 10,000.
    /// </summary>
    [Range(10, 10_000_000)]
    public int SessionCacheSize { get; set; } = 10_000;

    /// <summary>
    /// An open interview with no turn for this many minutes counts as abandoned in the interview statistics (it is
    /// not closed: a candidate who comes back may still go on). Default 30.
    /// </summary>
    [Range(1, 10_080)]
    public int AbandonAfterMinutes { get; set; } = 30;
}

/// <summary>Which model conducts interviews. Bound from the <c>Interviewer</c> section.</summary>
internal sealed class InterviewerOptions
{
    public const string Section = "Interviewer";

    /// <summary><c>scripted</c> (default, built in, no network) or <c>openai</c> (any OpenAI-compatible chat endpoint).</summary>
    [RegularExpression("^(?i)(scripted|openai)$")]
    public string Provider { get; set; } = "scripted";

    /// <summary>Base URL of the OpenAI-compatible API, e.g. <c>http://127.0.0.1:11434/v1</c>; empty means api.openai.com.</summary>
    public string? Endpoint { get; set; }

    public string Model { get; set; } = "gpt-4o-mini";

    public string? ApiKey { get; set; }

    /// <summary>How many past transcript messages a model sees, so prompt size does not grow with the interview. Default 8.</summary>
    [Range(0, 100)]
    public int HistoryWindow { get; set; } = 8;

    /// <summary>
    /// A model's first token must arrive within this many ms of the request's arrival, retries included; past it the
    /// turn answers with the script's planned step instead (<c>fallback: true</c>). Default 1500, under the 2000 ms budget.
    /// </summary>
    [Range(1, 600_000)]
    public double FallbackAfterMs { get; set; } = 1500;

    /// <summary>Retries of a failed model call (the greeting's too), made only while the deadline leaves room. Default 2.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Wait before the first retry, doubling after; a provider's Retry-After replaces it. Default 100 ms.</summary>
    [Range(0, 60_000)]
    public double RetryDelayMs { get; set; } = 100;

    /// <summary>Share of failed calls within <see cref="BreakerSamplingSeconds"/> that opens the circuit. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls the breaker needs to see in its window before it may open. Default 10.</summary>
    [Range(2, 100_000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The breaker's window. Default 30 s.</summary>
    [Range(0.5, 86_400)]
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit answers from the fallback before one call probes the provider again. Default 15 s.</summary>
    [Range(0.5, 86_400)]
    public double BreakerBreakSeconds { get; set; } = 15;

    /// <summary>
    /// A second OpenAI-compatible endpoint to hedge with: when the first provider has produced no text after
    /// <see cref="HedgeAfterMs"/>, the request goes here too and the first to answer wins. Empty: no hedging.
    /// </summary>
    public string? HedgeEndpoint { get; set; }

    /// <summary>The second provider's model; default the same as <see cref="Model"/>.</summary>
    public string? HedgeModel { get; set; }

    /// <summary>The second provider's key; default the same as <see cref="ApiKey"/>.</summary>
    public string? HedgeApiKey { get; set; }

    /// <summary>How long the first provider may stay silent before the second is asked as well. Default 600 ms.</summary>
    [Range(0, 600_000)]
    public double HedgeAfterMs { get; set; } = 600;

    public bool IsScripted => string.Equals(Provider, "scripted", StringComparison.OrdinalIgnoreCase);

    public bool Hedges => !IsScripted && !string.IsNullOrWhiteSpace(HedgeEndpoint);
}

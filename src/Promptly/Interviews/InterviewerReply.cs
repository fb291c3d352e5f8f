namespace Promptly.Interviews;

/// <summary>
/// What the interviewer said and how: time to the first token and token counts when a model streamed it, or the
/// cause when the words are the fallback's.
/// </summary>
internal sealed record InterviewerReply(string Text, TimeSpan? FirstToken = null, int? PromptTokens = null, int? CompletionTokens = null, string? FallbackCause = null);

/// <summary>Why a response fell back to the script; the first word of a record's <c>fallback_cause</c>.</summary>
internal static class FallbackCauses
{
    /// <summary>No first token before <c>Interviewer:FallbackAfterMs</c>.</summary>
    public const string FirstTokenDeadline = "first_token_deadline";

    /// <summary>The stream began but did not end within the latency budget.</summary>
    public const string StreamDeadline = "stream_deadline";

    /// <summary>The provider failed (error status, refused connection, broken stream, malformed body) and no retry fitted.</summary>
    public const string ProviderError = "provider_error";

    /// <summary>The provider said 429 and asked for a wait that does not fit the deadline.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The circuit breaker is open: the provider kept failing, so it was not called.</summary>
    public const string CircuitOpen = "circuit_open";
}

/// <summary>
/// The deadlines of one response, counted from the request's arrival: the first token by <see cref="FirstToken"/>,
/// the whole reply by <see cref="Complete"/>.
/// </summary>
internal readonly record struct TurnDeadline(long Start, TimeSpan FirstToken, TimeSpan Complete)
{
    /// <summary>Share of the budget a model's reply may take; the rest is left for storing the turn.</summary>
    public const double CompleteShare = 0.9;

    /// <summary>
    /// The first token by <paramref name="fallbackAfterMs"/>, the whole reply by 90% of <paramref name="thresholdMs"/>,
    /// so even a reply that falls back late is stored within the budget; the first-token deadline is never the later one.
    /// </summary>
    public static TurnDeadline Of(long start, double fallbackAfterMs, double thresholdMs)
    {
        var complete = TimeSpan.FromMilliseconds(thresholdMs * CompleteShare);
        var first = TimeSpan.FromMilliseconds(fallbackAfterMs);
        return new TurnDeadline(start, first < complete ? first : complete, complete);
    }

    public TimeSpan UntilFirstToken(TimeProvider time) => FirstToken - time.GetElapsedTime(Start);

    public TimeSpan UntilComplete(TimeProvider time) => Complete - time.GetElapsedTime(Start);
}

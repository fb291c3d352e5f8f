using Promptly.Latency;

namespace Promptly.Budget;

/// <summary>The timing of one response as the API shows it.</summary>
internal sealed record LatencyView(
    int QuestionNumber,
    double ResponseTimeMs,
    double AiProcessingTimeMs,
    Dictionary<string, double> Phases,
    double ThresholdMs,
    bool ExceededThreshold,
    bool Failed,
    string? Error,
    DateTimeOffset Timestamp,
    double? AiTimeToFirstTokenMs,
    int? PromptTokens,
    int? CompletionTokens,
    bool Fallback,
    string? FallbackCause,
    string Channel,
    string? TraceId)
{
    public static LatencyView From(LatencyRecord r)
    {
        var phases = new Dictionary<string, double>(r.Phases.Count);
        foreach (var phase in r.Phases) phases[phase.Name] = Ms(phase.Ms);
        return new LatencyView(r.QuestionNumber, Ms(r.ResponseTimeMs), Ms(r.AiProcessingTimeMs), phases, r.ThresholdMs, r.ExceededThreshold, r.Failed, r.Error, r.Timestamp,
            r.Phase(LatencyPhases.AiFirstToken) is { } firstToken ? Ms(firstToken) : null, r.PromptTokens, r.CompletionTokens, r.Fallback, r.FallbackCause, r.Channel, r.TraceId);
    }

    /// <summary>Milliseconds to the microsecond: finer digits are noise.</summary>
    public static double Ms(double value) => Math.Round(value, 3);
}

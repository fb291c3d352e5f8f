namespace Promptly.Latency;

/// <summary>One interviewer response, timed. Immutable once the <see cref="LatencyTracker"/> that made it is done.</summary>
public sealed record LatencyRecord
{
    public long Id { get; init; }
    public required string SessionId { get; init; }
    public string? Candidate { get; init; }
    public required string InterviewType { get; init; }
    public required string ConceptId { get; init; }
    public required int QuestionNumber { get; init; }

    /// <summary>How the candidate and the interviewer spoke: <see cref="LatencyChannels.Text"/> or <see cref="LatencyChannels.Voice"/>.</summary>
    public string Channel { get; init; } = LatencyChannels.Text;

    /// <summary>From the request's arrival to the response being ready (its data committed).</summary>
    public required double ResponseTimeMs { get; init; }
    public required double AiProcessingTimeMs { get; init; }

    /// <summary>Named phases in the order they ran (load, ai, extract, persist, …), in ms.</summary>
    public required IReadOnlyList<PhaseTiming> Phases { get; init; }
    public required double ThresholdMs { get; init; }
    public required double SevereMs { get; init; }

    /// <summary>Strictly greater than <see cref="ThresholdMs"/>.</summary>
    public bool ExceededThreshold => ResponseTimeMs > ThresholdMs;
    public bool Severe => ResponseTimeMs > SevereMs;

    /// <summary>The interviewer call (or anything else in the response) failed; never counted as within budget.</summary>
    public bool Failed { get; init; }
    public string? Error { get; init; }

    /// <summary>Prompt tokens of the model call, when the provider reported usage.</summary>
    public int? PromptTokens { get; init; }

    /// <summary>Completion tokens of the model call, when the provider reported usage.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>Why the interviewer's words came from the script instead of the model; null when they did not.</summary>
    public string? FallbackCause { get; init; }

    /// <summary>The response was answered from the scripted fallback (see <see cref="FallbackCause"/>); it still counts as answered.</summary>
    public bool Fallback => FallbackCause is not null;

    /// <summary>The W3C trace id of the response's span, when traces are exported: from a slow response to its trace.</summary>
    public string? TraceId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    public bool WithinBudget => !Failed && !ExceededThreshold;

    public double? Phase(string name)
    {
        foreach (var phase in Phases)
        {
            if (phase.Name == name) return phase.Ms;
        }

        return null;
    }
}

public readonly record struct PhaseTiming(string Name, double Ms);

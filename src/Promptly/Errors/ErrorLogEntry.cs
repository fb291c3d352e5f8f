using Promptly.Budget;

namespace Promptly.Errors;

/// <summary>A stored operational error, listed by <c>GET /api/errors</c>.</summary>
public sealed record ErrorLogEntry
{
    public const string LatencyViolationType = "LatencyViolation";

    public long Id { get; init; }
    public required string Type { get; init; }
    public required string Message { get; init; }
    public string? SessionId { get; init; }
    public int? QuestionNumber { get; init; }
    public double? ResponseTimeMs { get; init; }
    public double? ThresholdMs { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The entry a severe response leaves in the error log; null for any other response.</summary>
    public static ErrorLogEntry? ViolationOf(LatencyRecord record) => !record.Severe ? null : new()
    {
        Type = LatencyViolationType,
        Message = $"SEVERE LATENCY VIOLATION: {record.ResponseTimeMs:F0}ms > {record.SevereMs:F0}ms severe limit, budget {record.ThresholdMs:F0}ms",
        SessionId = record.SessionId,
        QuestionNumber = record.QuestionNumber,
        ResponseTimeMs = record.ResponseTimeMs,
        ThresholdMs = record.ThresholdMs,
        Timestamp = record.Timestamp,
    };
}

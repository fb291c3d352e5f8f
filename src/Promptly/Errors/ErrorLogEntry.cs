namespace Promptly.Errors;

/// <summary>A stored operational error, listed by <c>GET /api/errors</c>.</summary>
internal sealed record ErrorLogEntry
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
}

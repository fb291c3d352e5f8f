using Promptly.Budget;

namespace Promptly.Analytics;

/// <summary>
/// <c>GET /api/latency/compliance</c>: the window's figures overall and per interview type; <see cref="Exact"/> false
/// when merged from digests (percentiles within 0.39%, counts exact).
/// </summary>
internal sealed record WindowCompliance(
    DateTimeOffset From,
    DateTimeOffset To,
    string? InterviewType,
    bool Exact,
    ComplianceReport Overall,
    Dictionary<string, ComplianceReport> ByInterviewType);

using Promptly.Budget;

namespace Promptly.Analytics;

/// <summary>
/// <c>GET /api/latency/compliance</c>: the window's figures overall, per interview type and per channel;
/// <see cref="Exact"/> false when merged from digests (percentiles within 0.39%, counts exact).
/// </summary>
/// <param name="Channels">The channels the figures cover (<c>text</c>, <c>voice</c>): both unless the query named one.</param>
internal sealed record WindowCompliance(
    DateTimeOffset From,
    DateTimeOffset To,
    string? InterviewType,
    IReadOnlyList<string> Channels,
    bool Exact,
    ComplianceReport Overall,
    Dictionary<string, ComplianceReport> ByInterviewType,
    Dictionary<string, ComplianceReport> ByChannel);

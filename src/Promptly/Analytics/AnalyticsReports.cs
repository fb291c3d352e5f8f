namespace Promptly.Analytics;

/// <summary>What every analysis answers about: the window actually read and how the figures were computed.</summary>
/// <param name="Exact">True when computed from every raw run of the window; false when merged from digests
/// (percentiles within 0.39%, counts, averages, min, max and compliance exact).</param>
internal sealed record AnalyticsScope(DateTimeOffset From, DateTimeOffset To, string? Source, string? InterviewType, bool Exact, double BudgetThresholdMs);

/// <summary><c>GET /api/latency-analytics/summary</c>.</summary>
internal sealed record LatencySummary(
    AnalyticsScope Scope,
    long TotalCount,
    double AverageMs,
    double P50Ms,
    double P90Ms,
    double P95Ms,
    double P99Ms,
    double MinMs,
    double MaxMs,
    long WithinBudget,
    long Failed,
    double? ComplianceRate,
    double TargetCompliance,
    bool MeetsTarget,
    string? SlowestPhase,
    double? SlowestPhaseAverageMs);

/// <summary>One phase's figures; <see cref="ShareOfTotal"/> is its part of all time spent in the window's runs.</summary>
internal sealed record PhaseStats(
    string Phase,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double AverageMs,
    double MinMs,
    double MaxMs,
    double StdDevMs,
    long SampleCount,
    double ShareOfTotal);

/// <summary><c>GET /api/latency-analytics/by-phase</c>: phases sorted by p95, slowest first.</summary>
internal sealed record PhaseBreakdown(AnalyticsScope Scope, long TotalCount, double TotalAverageMs, IReadOnlyList<PhaseStats> Phases);

/// <summary>A phase whose p95 is over the threshold.</summary>
/// <param name="EstimatedSpeedupPercent">How much shorter the average run would be if this phase never took longer than the threshold.</param>
internal sealed record Bottleneck(
    string Phase,
    double P95Ms,
    double ThresholdMs,
    double PercentOverThreshold,
    long AffectedCount,
    double AffectedShare,
    double EstimatedSpeedupPercent,
    string Recommendation);

/// <summary>
/// Runs far slower than the rest, by two rules: over mean + 2σ, and over median + 3.5·MAD/0.6745 (a modified
/// z-score over 3.5), which a few huge values cannot hide behind because they do not move the median or the MAD.
/// </summary>
internal sealed record OutlierReport(
    double MeanMs,
    double StdDevMs,
    double SigmaThresholdMs,
    long SigmaCount,
    double MedianMs,
    double MadMs,
    double MadThresholdMs,
    long MadCount);

/// <summary><c>GET /api/latency-analytics/bottlenecks</c>.</summary>
internal sealed record BottleneckReport(AnalyticsScope Scope, double ThresholdMs, IReadOnlyList<Bottleneck> Bottlenecks, OutlierReport Outliers);

/// <summary>One interval of a trend; <see cref="BaselineP95Ms"/> is the median p95 of the intervals before it.</summary>
internal sealed record TrendPoint(DateTimeOffset Start, long Count, double? P50Ms, double? P95Ms, double? ComplianceRate, double? BaselineP95Ms, bool Regression);

/// <summary><c>GET /api/latency-analytics/trends</c>.</summary>
internal sealed record TrendReport(AnalyticsScope Scope, string Interval, double RegressionFactor, IReadOnlyList<TrendPoint> Points, IReadOnlyList<TrendPoint> Regressions);

/// <summary>What to improve, by how much, and how, all derived from the measured figures.</summary>
/// <param name="Kind">"source" (whole runs of a source) or "phase" (one phase of a source's runs).</param>
internal sealed record Recommendation(
    string Kind,
    string Source,
    string? Phase,
    double CurrentP95Ms,
    double TargetP95Ms,
    double ImprovementPercent,
    IReadOnlyList<string> Actions);

/// <summary><c>GET /api/latency-analytics/recommendations</c>, largest improvement first.</summary>
internal sealed record RecommendationReport(AnalyticsScope Scope, IReadOnlyList<Recommendation> Recommendations);

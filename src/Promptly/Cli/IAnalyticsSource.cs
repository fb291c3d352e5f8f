using Promptly.Analytics;
using Promptly.Interviews;

namespace Promptly.Cli;

/// <summary>Where the analyses come from: the local database or a running server. Same questions, same answers.</summary>
internal interface IAnalyticsSource : IAsyncDisposable
{
    Task<LatencySummary> SummaryAsync(AnalyticsRequest request, CancellationToken cancellationToken);

    Task<PhaseBreakdown> ByPhaseAsync(AnalyticsRequest request, CancellationToken cancellationToken);

    Task<BottleneckReport> BottlenecksAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken);

    /// <summary>Summary, phase breakdown and bottlenecks of one window, for a run that shows more than one of them.</summary>
    Task<LatencyOverview> OverviewAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken);

    Task<TrendReport> TrendsAsync(AnalyticsRequest request, TrendInterval interval, CancellationToken cancellationToken);

    Task<RecommendationReport> RecommendationsAsync(AnalyticsRequest request, CancellationToken cancellationToken);

    /// <summary>The interviews started in the last <paramref name="days"/> (<c>GET /api/interviews/stats</c>).</summary>
    Task<InterviewStatsReport> InterviewsAsync(int days, CancellationToken cancellationToken);
}

using Promptly.Analytics;

namespace Promptly.Cli;

/// <summary>The reports one run asked for; a section not asked for is null.</summary>
internal sealed record AnalysisResults(
    LatencySummary? Summary,
    PhaseBreakdown? Phases,
    BottleneckReport? Bottlenecks,
    TrendReport? Trends,
    RecommendationReport? Recommendations)
{
    public static async Task<AnalysisResults> ReadAsync(IAnalyticsSource source, AnalyzeArguments arguments, CancellationToken cancellationToken)
    {
        var request = arguments.Request;
        var sections = arguments.Sections;
        return new AnalysisResults(
            sections.HasFlag(ReportSections.Summary) ? await source.SummaryAsync(request, cancellationToken) : null,
            sections.HasFlag(ReportSections.Phases) ? await source.ByPhaseAsync(request, cancellationToken) : null,
            sections.HasFlag(ReportSections.Bottlenecks) ? await source.BottlenecksAsync(request, arguments.ThresholdMs, cancellationToken) : null,
            sections.HasFlag(ReportSections.Trends) ? await source.TrendsAsync(request, arguments.Interval, cancellationToken) : null,
            sections.HasFlag(ReportSections.Recommendations) ? await source.RecommendationsAsync(request, cancellationToken) : null);
    }
}

using Promptly.Analytics;
using Promptly.Interviews;

namespace Promptly.Cli;

/// <summary>The reports one run asked for; a section not asked for is null.</summary>
internal sealed record AnalysisResults(
    LatencySummary? Summary,
    PhaseBreakdown? Phases,
    BottleneckReport? Bottlenecks,
    TrendReport? Trends,
    RecommendationReport? Recommendations)
{
    public InterviewStatsReport? Interviews { get; init; }

    public static async Task<AnalysisResults> ReadAsync(IAnalyticsSource source, AnalyzeArguments arguments, CancellationToken cancellationToken)
    {
        var request = arguments.Request;
        var sections = arguments.Sections;
        bool Wants(ReportSections section) => sections.HasFlag(section);

        // Two or more of summary, phases and bottlenecks: one read serves them all (locally, one snapshot of the runs).
        LatencyOverview? overview = null;
        if (new[] { ReportSections.Summary, ReportSections.Phases, ReportSections.Bottlenecks }.Count(Wants) > 1)
        {
            overview = await source.OverviewAsync(request, arguments.ThresholdMs, cancellationToken);
        }

        return new AnalysisResults(
            !Wants(ReportSections.Summary) ? null : overview?.Summary ?? await source.SummaryAsync(request, cancellationToken),
            !Wants(ReportSections.Phases) ? null : overview?.Phases ?? await source.ByPhaseAsync(request, cancellationToken),
            !Wants(ReportSections.Bottlenecks) ? null : overview?.Bottlenecks ?? await source.BottlenecksAsync(request, arguments.ThresholdMs, cancellationToken),
            Wants(ReportSections.Trends) ? await source.TrendsAsync(request, arguments.Interval, cancellationToken) : null,
            Wants(ReportSections.Recommendations) ? await source.RecommendationsAsync(request, cancellationToken) : null)
        {
            // Interviews are counted by whole days back from now; a window given by --from/--to does not apply to them.
            Interviews = Wants(ReportSections.Interviews)
                ? await source.InterviewsAsync(Math.Clamp(request.Days ?? InterviewStatistics.DefaultDays, 1, InterviewStatistics.MaxDays), cancellationToken)
                : null,
        };
    }
}

using System.Globalization;
using Promptly.Analytics;
using Promptly.Interviews;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>How the terminal and the Markdown report write figures, so both (and their tests) agree.</summary>
internal static class Figures
{
    public static string Ms(double ms) => Number(ms) + " ms";

    /// <summary>
    /// Milliseconds in a table whose header gives the unit; a dash for none. Thousandths under 1 ms (the load and
    /// persist phases live there) and tenths under 100 ms, where they still say something, so the tables fit a terminal.
    /// </summary>
    public static string Number(double? ms) => ms switch
    {
        null => "–",
        < 1 and > -1 => ms.Value.ToString("0.###", CultureInfo.InvariantCulture),
        < 100 and > -100 => ms.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ms.Value.ToString("#,0", CultureInfo.InvariantCulture),
    };

    public static string Count(long count) => Counts.Format(count);

    /// <summary>A fraction (0.975) as a percentage ("97.5%").</summary>
    public static string Share(double? fraction) => fraction is { } value ? Percent(value * 100) : "–";

    /// <summary>A number already in percent (12.5) as "12.5%".</summary>
    public static string Percent(double percent) => percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Seconds in a table whose header gives the unit; a dash for none.</summary>
    public static string Seconds(double? seconds) => seconds is { } value ? value.ToString("#,0.#", CultureInfo.InvariantCulture) : "–";

    /// <summary>The columns of an interview statistics row (<see cref="InterviewRow"/>), for the terminal and the report alike.</summary>
    public static readonly string[] InterviewColumns =
        ["Guide", "Type", "Started", "Completed", "Abandoned", "Active", "Completion", "p50 s", "p95 s", "Coverage", "Orphans", "Questions"];

    /// <summary>One guide and type, or the total ("all"), as the cells of <see cref="InterviewColumns"/>.</summary>
    public static string[] InterviewRow(InterviewFigures f) =>
    [
        f.ConceptId ?? "all", f.InterviewType ?? "all", Count(f.Started), Count(f.Completed), Count(f.Abandoned), Count(f.Active), Share(f.CompletionRate),
        Seconds(f.DurationP50Seconds), Seconds(f.DurationP95Seconds), Share(f.ElementCoverageMean), Share(f.OrphanRatioMean),
        f.QuestionsAnsweredMean is { } questions ? questions.ToString("0.#", CultureInfo.InvariantCulture) : "–",
    ];

    /// <summary>The heading line under the interview section: its window and what abandoned means there.</summary>
    public static string InterviewScope(InterviewStatsReport r) =>
        $"Interviews started {Time(r.From)} to {Time(r.To)} UTC (last {r.Days} days); abandoned: ended early, or no turn for {r.AbandonAfterMinutes} minutes. " +
        "Duration, coverage, orphans and questions are of completed interviews.";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Interval(DateTimeOffset start, string interval) => interval == "hour"
        ? Time(start)
        : start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Scope(AnalyticsScope scope)
    {
        var filters = string.Concat(
            scope.Source is { } source ? $", source {source}" : "",
            scope.InterviewType is { } type ? $", interview type {type}" : "");
        var how = scope.Exact ? "exact, from every run" : "from digests, percentiles within 0.39%";
        return $"{Time(scope.From)} to {Time(scope.To)} UTC{filters} ({how})";
    }

    public static string Compliance(LatencySummary summary) => summary.ComplianceRate is null
        ? "no runs"
        : $"{Share(summary.ComplianceRate)} within budget, target {Share(summary.TargetCompliance)}: {(summary.MeetsTarget ? "met" : "MISSED")}";

    public static string SlowestPhase(LatencySummary summary) =>
        summary is { SlowestPhase: { } phase, SlowestPhaseAverageMs: { } average } ? $"{phase} (average {Ms(average)})" : "–";

    /// <summary>What a recommendation is about: "source ci" or "phase Build of ci".</summary>
    public static string Subject(Recommendation r) => r.Phase is { } phase ? $"phase {phase} of {r.Source}" : $"source {r.Source}";

    public static bool HasRuns(TrendReport trends) => trends.Points.Any(p => p.Count > 0);
}

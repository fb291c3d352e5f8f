using System.Text;
using Promptly.Analytics;
using Promptly.Interviews;

namespace Promptly.Cli;

/// <summary>
/// <c>--report</c>: the analyses as a Markdown document of tables, with the charts saved as PNG files in a folder
/// next to it named after it (<c>latency_report.md</c> → <c>latency_report_files/</c>) and linked relatively.
/// </summary>
internal static class MarkdownReport
{
    public const string TrendChart = "trend.png";
    public const string PhasesChart = "phases.png";

    /// <summary>The folder the charts of the report at <paramref name="reportPath"/> go to.</summary>
    public static string ChartFolder(string reportPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, Path.GetFileNameWithoutExtension(reportPath) + "_files");

    /// <summary>Writes the report and its charts; returns the charts written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string reportPath, AnalysisResults results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var folder = ChartFolder(reportPath);
        var link = Uri.EscapeDataString(Path.GetFileName(folder));
        var charts = new List<string>();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);

        string? Chart(string file, Func<string, bool> save)
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(folder);
            if (save(path))
            {
                charts.Add(path);
                return $"{link}/{file}";
            }

            // A chart from an earlier report of more data must not sit next to this one as if it belonged to it.
            File.Delete(path);
            return null;
        }

        var md = new StringBuilder();
        md.AppendLine("# Latency analysis report").AppendLine();
        md.AppendLine($"Generated {Figures.Time(now)} UTC.");
        if (ConsoleReport.ScopeOf(results) is { } scope) md.AppendLine($"Window: {Cell(Figures.Scope(scope))}.");
        md.AppendLine();

        if (results.Summary is { } summary) Summary(md, summary);
        if (results.Phases is { } phases) Phases(md, phases, Chart(PhasesChart, path => ReportCharts.SavePhases(phases, path)));
        if (results.Bottlenecks is { } bottlenecks) Bottlenecks(md, bottlenecks);
        if (results.Trends is { } trends) Trends(md, trends, Chart(TrendChart, path => ReportCharts.SaveTrend(trends, path)));
        if (results.Recommendations is { } recommendations) Recommendations(md, recommendations);
        if (results.Interviews is { } interviews) Interviews(md, interviews);

        await File.WriteAllTextAsync(reportPath, md.ToString(), cancellationToken);
        if (charts.Count == 0 && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        return charts;
    }

    private static void Summary(StringBuilder md, LatencySummary s)
    {
        md.AppendLine("## Summary").AppendLine();
        if (s.TotalCount == 0)
        {
            md.AppendLine("No runs in this window.").AppendLine();
            return;
        }

        md.AppendLine("| Figure | Value |").AppendLine("|---|---:|");
        Row(md, "Runs", Figures.Count(s.TotalCount));
        Row(md, "Average", Figures.Ms(s.AverageMs));
        Row(md, "p50", Figures.Ms(s.P50Ms));
        Row(md, "p90", Figures.Ms(s.P90Ms));
        Row(md, "p95", Figures.Ms(s.P95Ms));
        Row(md, "p99", Figures.Ms(s.P99Ms));
        Row(md, "Min", Figures.Ms(s.MinMs));
        Row(md, "Max", Figures.Ms(s.MaxMs));
        Row(md, "Failed", Figures.Count(s.Failed));
        Row(md, "Compliance", Figures.Compliance(s));
        Row(md, "Slowest phase", Figures.SlowestPhase(s));
        Row(md, "Budget threshold", Figures.Ms(s.Scope.BudgetThresholdMs));
        md.AppendLine();
    }

    private static void Phases(StringBuilder md, PhaseBreakdown breakdown, string? chart)
    {
        md.AppendLine("## Phase breakdown").AppendLine();
        if (breakdown.Phases.Count == 0)
        {
            md.AppendLine(breakdown.TotalCount == 0 ? "No runs in this window." : "The runs of this window have no phases.").AppendLine();
            return;
        }

        if (chart is not null) md.AppendLine($"![p50 and p95 per phase]({chart})").AppendLine();
        md.AppendLine("| Phase | p50 ms | p95 ms | p99 ms | Avg ms | Min ms | Max ms | Std dev ms | Samples | Share |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in breakdown.Phases)
        {
            Row(md, p.Phase, Figures.Number(p.P50Ms), Figures.Number(p.P95Ms), Figures.Number(p.P99Ms), Figures.Number(p.AverageMs), Figures.Number(p.MinMs),
                Figures.Number(p.MaxMs), Figures.Number(p.StdDevMs), Figures.Count(p.SampleCount), Figures.Share(p.ShareOfTotal));
        }

        md.AppendLine();
    }

    private static void Bottlenecks(StringBuilder md, BottleneckReport report)
    {
        md.AppendLine("## Bottlenecks").AppendLine();
        md.AppendLine($"Phases with p95 over {Figures.Ms(report.ThresholdMs)}:").AppendLine();
        if (report.Bottlenecks.Count == 0)
        {
            md.AppendLine("None.").AppendLine();
        }
        else
        {
            md.AppendLine("| Phase | p95 ms | Over threshold | Runs affected | Est. speedup | Recommendation |").AppendLine("|---|---:|---:|---:|---:|---|");
            foreach (var b in report.Bottlenecks)
            {
                Row(md, b.Phase, Figures.Number(b.P95Ms), Figures.Percent(b.PercentOverThreshold), $"{Figures.Count(b.AffectedCount)} ({Figures.Share(b.AffectedShare)})",
                    Figures.Percent(b.EstimatedSpeedupPercent), b.Recommendation);
            }

            md.AppendLine();
        }

        var o = report.Outliers;
        md.AppendLine("| Outlier rule | Threshold | Runs over it |").AppendLine("|---|---:|---:|");
        Row(md, $"mean + 2σ ({Figures.Ms(o.MeanMs)} + 2 × {Figures.Ms(o.StdDevMs)})", Figures.Ms(o.SigmaThresholdMs), Figures.Count(o.SigmaCount));
        Row(md, $"median + 3.5·MAD/0.6745 ({Figures.Ms(o.MedianMs)}, MAD {Figures.Ms(o.MadMs)})", Figures.Ms(o.MadThresholdMs), Figures.Count(o.MadCount));
        md.AppendLine();
    }

    private static void Trends(StringBuilder md, TrendReport trends, string? chart)
    {
        md.AppendLine("## Trends").AppendLine();
        if (!Figures.HasRuns(trends))
        {
            md.AppendLine("No runs in this window.").AppendLine();
            return;
        }

        if (chart is not null) md.AppendLine($"![p50 and p95 per {trends.Interval}]({chart})").AppendLine();
        md.AppendLine($"| {(trends.Interval == "hour" ? "Hour" : "Day")} (UTC) | Runs | p50 ms | p95 ms | Compliance | Baseline p95 ms | |").AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var p in trends.Points)
        {
            Row(md, Figures.Interval(p.Start, trends.Interval), Figures.Count(p.Count), Figures.Number(p.P50Ms), Figures.Number(p.P95Ms),
                Figures.Share(p.ComplianceRate), Figures.Number(p.BaselineP95Ms), p.Regression ? "REGRESSION" : "");
        }

        md.AppendLine().AppendLine(trends.Regressions.Count == 0
            ? "No regressions."
            : $"{trends.Regressions.Count} regression(s): p95 over {trends.RegressionFactor:0.##}× the baseline of the intervals before.").AppendLine();
    }

    private static void Recommendations(StringBuilder md, RecommendationReport report)
    {
        md.AppendLine("## Optimization opportunities").AppendLine();
        if (report.Recommendations.Count == 0)
        {
            md.AppendLine("Nothing to improve: no source or phase is over its target.").AppendLine();
            return;
        }

        var number = 0;
        foreach (var r in report.Recommendations)
        {
            number++;
            md.AppendLine($"{number}. **{Escape(Figures.Subject(r))}**: p95 {Figures.Ms(r.CurrentP95Ms)} → target {Figures.Ms(r.TargetP95Ms)} " +
                $"({Figures.Percent(r.ImprovementPercent)} faster)");
            foreach (var action in r.Actions) md.AppendLine($"   - {Escape(action)}");
        }

        md.AppendLine();
    }

    private static void Interviews(StringBuilder md, InterviewStatsReport report)
    {
        md.AppendLine("## Interviews").AppendLine();
        md.AppendLine(Cell(Figures.InterviewScope(report))).AppendLine();
        if (report.Total.Started == 0)
        {
            md.AppendLine("No interviews in this window.").AppendLine();
            return;
        }

        Row(md, Figures.InterviewColumns);
        md.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---:|", Figures.InterviewColumns.Length - 2)));
        foreach (var figures in report.Guides.Append(report.Total)) Row(md, Figures.InterviewRow(figures));
        md.AppendLine();
    }

    private static void Row(StringBuilder md, params string[] cells) => md.Append("| ").AppendJoin(" | ", cells.Select(Cell)).AppendLine(" |");

    private static string Cell(string text) => Escape(text).Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    // Names and actions come from the data: keep them from turning into emphasis or links.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>') escaped.Append('\\');
            escaped.Append(c);
        }

        return escaped.ToString();
    }
}

using Promptly.Analytics;
using Spectre.Console;

namespace Promptly.Cli;

/// <summary>Writes the analyses to a terminal (or any <see cref="IAnsiConsole"/>) as headed sections of tables.</summary>
internal static class ConsoleReport
{
    public static void Write(IAnsiConsole console, AnalysisResults results)
    {
        console.Write(new Rule("[bold]LATENCY ANALYSIS REPORT[/]").LeftJustified());
        if (ScopeOf(results) is { } scope) console.MarkupLine($"[grey]{Markup.Escape(Figures.Scope(scope))}[/]");
        if (results.Summary is { } summary) WriteSummary(console, summary);
        if (results.Phases is { } phases) WritePhases(console, phases);
        if (results.Bottlenecks is { } bottlenecks) WriteBottlenecks(console, bottlenecks);
        if (results.Trends is { } trends) WriteTrends(console, trends);
        if (results.Recommendations is { } recommendations) WriteRecommendations(console, recommendations);
    }

    internal static AnalyticsScope? ScopeOf(AnalysisResults r) =>
        r.Summary?.Scope ?? r.Phases?.Scope ?? r.Bottlenecks?.Scope ?? r.Recommendations?.Scope ?? r.Trends?.Scope;

    private static void Heading(IAnsiConsole console, string title)
    {
        console.WriteLine();
        console.MarkupLine($"[bold underline]{title}[/]");
    }

    private static void WriteSummary(IAnsiConsole console, LatencySummary s)
    {
        Heading(console, "SUMMARY");
        if (s.TotalCount == 0)
        {
            console.MarkupLine("No runs in this window.");
            return;
        }

        var table = new Table().HideHeaders().Border(TableBorder.None).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("Runs", Figures.Count(s.TotalCount));
        table.AddRow("Average", Figures.Ms(s.AverageMs));
        table.AddRow("p50", Figures.Ms(s.P50Ms));
        table.AddRow("p90", Figures.Ms(s.P90Ms));
        table.AddRow("p95", Figures.Ms(s.P95Ms));
        table.AddRow("p99", Figures.Ms(s.P99Ms));
        table.AddRow("Min", Figures.Ms(s.MinMs));
        table.AddRow("Max", Figures.Ms(s.MaxMs));
        table.AddRow("Failed", Figures.Count(s.Failed));
        table.AddRow(new Text("Compliance"), new Markup(s.MeetsTarget
            ? $"[green]{Markup.Escape(Figures.Compliance(s))}[/]"
            : $"[red]{Markup.Escape(Figures.Compliance(s))}[/]"));
        table.AddRow(new Text("Slowest phase"), new Text(Figures.SlowestPhase(s)));
        table.AddRow(new Text("Budget threshold"), new Text(Figures.Ms(s.Scope.BudgetThresholdMs)));
        console.Write(table);
    }

    private static void WritePhases(IAnsiConsole console, PhaseBreakdown breakdown)
    {
        Heading(console, "PHASE BREAKDOWN");
        if (breakdown.Phases.Count == 0)
        {
            console.MarkupLine(breakdown.TotalCount == 0 ? "No runs in this window." : "The runs of this window have no phases.");
            return;
        }

        var table = new Table().AddColumn("Phase");
        foreach (var name in new[] { "p50", "p95", "p99", "Avg", "Min", "Max", "Std dev", "Samples", "Share" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var p in breakdown.Phases)
        {
            table.AddRow(new Text(p.Phase), new Text(Figures.Ms(p.P50Ms)), new Text(Figures.Ms(p.P95Ms)), new Text(Figures.Ms(p.P99Ms)),
                new Text(Figures.Ms(p.AverageMs)), new Text(Figures.Ms(p.MinMs)), new Text(Figures.Ms(p.MaxMs)), new Text(Figures.Ms(p.StdDevMs)),
                new Text(Figures.Count(p.SampleCount)), new Text(Figures.Share(p.ShareOfTotal)));
        }

        console.Write(table);
    }

    private static void WriteBottlenecks(IAnsiConsole console, BottleneckReport report)
    {
        Heading(console, "BOTTLENECKS");
        console.MarkupLine($"Phases with p95 over {Markup.Escape(Figures.Ms(report.ThresholdMs))}:");
        if (report.Bottlenecks.Count == 0)
        {
            console.MarkupLine("[green]None.[/]");
        }
        else
        {
            var table = new Table().AddColumn("Phase").AddColumn(new TableColumn("p95").RightAligned()).AddColumn(new TableColumn("Over threshold").RightAligned())
                .AddColumn(new TableColumn("Runs affected").RightAligned()).AddColumn(new TableColumn("Est. speedup").RightAligned()).AddColumn("Recommendation");
            foreach (var b in report.Bottlenecks)
            {
                table.AddRow(new Text(b.Phase), new Text(Figures.Ms(b.P95Ms)), new Text(Figures.Percent(b.PercentOverThreshold)),
                    new Text($"{Figures.Count(b.AffectedCount)} ({Figures.Share(b.AffectedShare)})"), new Text(Figures.Percent(b.EstimatedSpeedupPercent)),
                    new Text(b.Recommendation));
            }

            console.Write(table);
        }

        var o = report.Outliers;
        console.MarkupLine("Outlier runs:");
        console.WriteLine($"  over mean + 2σ ({Figures.Ms(o.MeanMs)} + 2 × {Figures.Ms(o.StdDevMs)} = {Figures.Ms(o.SigmaThresholdMs)}): {Figures.Count(o.SigmaCount)}");
        console.WriteLine($"  over median + 3.5·MAD/0.6745 ({Figures.Ms(o.MedianMs)}, MAD {Figures.Ms(o.MadMs)}: {Figures.Ms(o.MadThresholdMs)}): {Figures.Count(o.MadCount)}");
    }

    private static void WriteTrends(IAnsiConsole console, TrendReport trends)
    {
        Heading(console, "TRENDS");
        if (!Figures.HasRuns(trends))
        {
            console.MarkupLine("No runs in this window.");
            return;
        }

        var table = new Table().AddColumn(trends.Interval == "hour" ? "Hour (UTC)" : "Day (UTC)").AddColumn(new TableColumn("Runs").RightAligned())
            .AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p95").RightAligned())
            .AddColumn(new TableColumn("Compliance").RightAligned()).AddColumn(new TableColumn("Baseline p95").RightAligned()).AddColumn("");
        foreach (var p in trends.Points)
        {
            table.AddRow(new Text(Figures.Interval(p.Start, trends.Interval)), new Text(Figures.Count(p.Count)), new Text(Figures.Ms(p.P50Ms)),
                new Text(Figures.Ms(p.P95Ms)), new Text(Figures.Share(p.ComplianceRate)), new Text(Figures.Ms(p.BaselineP95Ms)),
                p.Regression ? new Markup("[bold red]REGRESSION[/]") : new Text(""));
        }

        console.Write(table);
        console.WriteLine(trends.Regressions.Count == 0
            ? "No regressions."
            : $"{trends.Regressions.Count} regression(s): p95 over {trends.RegressionFactor:0.##}× the baseline of the intervals before.");
    }

    private static void WriteRecommendations(IAnsiConsole console, RecommendationReport report)
    {
        Heading(console, "OPTIMIZATION OPPORTUNITIES");
        if (report.Recommendations.Count == 0)
        {
            console.MarkupLine("[green]Nothing to improve: no source or phase is over its target.[/]");
            return;
        }

        var number = 0;
        foreach (var r in report.Recommendations)
        {
            number++;
            console.MarkupLine($"[bold]{number}. {Markup.Escape(Figures.Subject(r))}[/]: p95 {Markup.Escape(Figures.Ms(r.CurrentP95Ms))} → target " +
                $"{Markup.Escape(Figures.Ms(r.TargetP95Ms))} ({Markup.Escape(Figures.Percent(r.ImprovementPercent))} faster)");
            foreach (var action in r.Actions)
            {
                console.WriteLine($"   - {action}");
            }
        }
    }
}

using Promptly.Analytics;
using Promptly.Interviews;
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
        if (results.Interviews is { } interviews) WriteInterviews(console, interviews);
    }

    internal static AnalyticsScope? ScopeOf(AnalysisResults r) =>
        r.Summary?.Scope ?? r.Phases?.Scope ?? r.Bottlenecks?.Scope ?? r.Recommendations?.Scope ?? r.Trends?.Scope;

    // Light borders: a rule under the header, no boxes.
    private static Table Table() => new Table().Border(TableBorder.Simple);

    // Figures are never split over lines; text columns wrap instead.
    private static TableColumn Number(string header) => new TableColumn(header).RightAligned().NoWrap();

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

        var table = Table().HideHeaders().Border(TableBorder.None).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
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

        console.MarkupLine("[grey]Times in ms, slowest p95 first; share is of all the time spent in phases.[/]");
        // Ten columns: one space between them, so the table fits 80 columns.
        var table = Table().AddColumn(new TableColumn("Phase").NoWrap().PadRight(0));
        foreach (var name in new[] { "p50", "p95", "p99", "Avg", "Min", "Max", "Std dev", "Samples", "Share" })
        {
            table.AddColumn(Number(name).PadLeft(0).PadRight(0));
        }

        foreach (var p in breakdown.Phases)
        {
            table.AddRow(p.Phase, Figures.Number(p.P50Ms), Figures.Number(p.P95Ms), Figures.Number(p.P99Ms), Figures.Number(p.AverageMs),
                Figures.Number(p.MinMs), Figures.Number(p.MaxMs), Figures.Number(p.StdDevMs), Figures.Count(p.SampleCount), Figures.Share(p.ShareOfTotal));
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
            var table = Table().AddColumn("Phase").AddColumn(Number("p95 ms")).AddColumn(Number("Over threshold")).AddColumn(Number("Runs affected"))
                .AddColumn(Number("Est. speedup"));
            foreach (var b in report.Bottlenecks)
            {
                table.AddRow(b.Phase, Figures.Number(b.P95Ms), Figures.Percent(b.PercentOverThreshold),
                    $"{Figures.Count(b.AffectedCount)} ({Figures.Share(b.AffectedShare)})", Figures.Percent(b.EstimatedSpeedupPercent));
            }

            console.Write(table);
            foreach (var b in report.Bottlenecks)
            {
                console.MarkupLine($"[bold]{Markup.Escape(b.Phase)}[/]: {Markup.Escape(b.Recommendation)}");
            }
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

        var table = Table().AddColumn(new TableColumn(trends.Interval == "hour" ? "Hour (UTC)" : "Day (UTC)").NoWrap()).AddColumn(Number("Runs"))
            .AddColumn(Number("p50 ms")).AddColumn(Number("p95 ms")).AddColumn(Number("Compliance")).AddColumn(Number("Baseline p95 ms"))
            .AddColumn(new TableColumn("").NoWrap());
        foreach (var p in trends.Points)
        {
            table.AddRow(new Text(Figures.Interval(p.Start, trends.Interval)), new Text(Figures.Count(p.Count)), new Text(Figures.Number(p.P50Ms)),
                new Text(Figures.Number(p.P95Ms)), new Text(Figures.Share(p.ComplianceRate)), new Text(Figures.Number(p.BaselineP95Ms)),
                p.Regression ? new Markup("[bold red]REGRESSION[/]") : new Text(""));
        }

        console.Write(table);
        console.WriteLine(trends.Regressions.Count == 0
            ? "No regressions."
            : $"{trends.Regressions.Count} regression(s): p95 over {trends.RegressionFactor:0.##}× the baseline of the intervals before.");
    }

    private static void WriteInterviews(IAnsiConsole console, InterviewStatsReport report)
    {
        Heading(console, "INTERVIEWS");
        console.MarkupLine($"[grey]{Markup.Escape(Figures.InterviewScope(report))}[/]");
        if (report.Total.Started == 0)
        {
            console.MarkupLine("No interviews in this window.");
            return;
        }

        var table = Table().AddColumn(new TableColumn(Figures.InterviewColumns[0]).PadRight(0)).AddColumn(new TableColumn(Figures.InterviewColumns[1]).NoWrap().PadRight(0));
        foreach (var name in Figures.InterviewColumns[2..]) table.AddColumn(Number(name).PadLeft(0).PadRight(0));
        foreach (var figures in report.Guides.Append(report.Total)) table.AddRow(Figures.InterviewRow(figures).Select(Markup.Escape).ToArray());
        console.Write(table);
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
                console.Write(new Padder(new Text($"- {action}"), new Padding(3, 0, 0, 0)));
            }
        }
    }
}

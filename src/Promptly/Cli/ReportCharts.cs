using Promptly.Analytics;
using ScottPlot;

namespace Promptly.Cli;

/// <summary>The report's charts, rendered to PNG: p50/p95 over time, and p50/p95 per phase.</summary>
internal static class ReportCharts
{
    private const int Width = 1000;
    private const int Height = 500;

    /// <summary>p50 and p95 of every interval with runs, regressions circled. False, writing nothing, when no interval has runs.</summary>
    public static bool SaveTrend(TrendReport trends, string path)
    {
        var points = trends.Points.Where(p => p is { Count: > 0, P50Ms: not null, P95Ms: not null }).ToArray();
        if (points.Length == 0) return false;

        var plot = new Plot();
        var xs = points.Select(p => p.Start.UtcDateTime.ToOADate()).ToArray();
        var p95 = plot.Add.Scatter(xs, [.. points.Select(p => p.P95Ms!.Value)]);
        p95.LegendText = "p95";
        p95.LineWidth = 2;
        p95.MarkerSize = 6;
        var p50 = plot.Add.Scatter(xs, [.. points.Select(p => p.P50Ms!.Value)]);
        p50.LegendText = "p50";
        p50.LineWidth = 2;
        p50.MarkerSize = 6;

        var regressions = points.Where(p => p.Regression).ToArray();
        if (regressions.Length > 0)
        {
            double[] rx = [.. regressions.Select(p => p.Start.UtcDateTime.ToOADate())];
            double[] ry = [.. regressions.Select(p => p.P95Ms!.Value)];
            var marked = plot.Add.Markers(rx, ry, MarkerShape.OpenCircle, 16, Colors.Red);
            marked.LegendText = "regression";
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Title(trends.Interval == "hour" ? "Latency per hour" : "Latency per day");
        plot.XLabel(trends.Interval == "hour" ? "Hour (UTC)" : "Day (UTC)");
        plot.YLabel("Latency (ms)");
        FromZero(plot);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return true;
    }

    /// <summary>p50 and p95 bars per phase, slowest first. False, writing nothing, when there are no phases.</summary>
    public static bool SavePhases(PhaseBreakdown breakdown, string path)
    {
        var phases = breakdown.Phases;
        if (phases.Count == 0) return false;

        var plot = new Plot();
        var p50Color = plot.Add.Palette.GetColor(1);
        var p95Color = plot.Add.Palette.GetColor(0);
        var bars = new List<Bar>();
        for (var i = 0; i < phases.Count; i++)
        {
            // Each phase is a group of two bars with a gap after it.
            bars.Add(new Bar { Position = i * 3, Value = phases[i].P50Ms, FillColor = p50Color });
            bars.Add(new Bar { Position = i * 3 + 1, Value = phases[i].P95Ms, FillColor = p95Color });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. phases.Select((_, i) => i * 3 + 0.5)], [.. phases.Select(p => p.Phase)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "p50", FillColor = p50Color });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "p95", FillColor = p95Color });
        plot.Title("Latency per phase");
        plot.XLabel("Phase");
        plot.YLabel("Latency (ms)");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return true;
    }

    // Latency starts at zero; an axis that starts at the lowest point makes small differences look huge.
    private static void FromZero(Plot plot)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, limits.Top * 1.05);
    }
}

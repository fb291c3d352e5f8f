using System.Globalization;
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
        if (!trends.Points.Any(p => p is { Count: > 0, P50Ms: not null, P95Ms: not null })) return false;

        var plot = new Plot();
        var p95Color = plot.Add.Palette.GetColor(0);
        var p50Color = plot.Add.Palette.GetColor(1);
        var first = true;
        foreach (var segment in Segments(trends.Points))
        {
            Line(plot, segment, p => p.P95Ms!.Value, p95Color, first ? "p95" : null);
            Line(plot, segment, p => p.P50Ms!.Value, p50Color, first ? "p50" : null);
            first = false;
        }

        var points = trends.Points;
        var regressions = points.Where(p => p.Regression).ToArray();
        if (regressions.Length > 0)
        {
            double[] rx = [.. regressions.Select(p => p.Start.UtcDateTime.ToOADate())];
            double[] ry = [.. regressions.Select(p => p.P95Ms!.Value)];
            var marked = plot.Add.Markers(rx, ry, MarkerShape.OpenCircle, 16, Colors.Red);
            marked.LegendText = "regression";
        }

        var axis = plot.Axes.DateTimeTicksBottom();
        if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
        {
            var format = trends.Interval == "hour" ? "MM-dd HH:mm" : "yyyy-MM-dd";
            ticks.LabelFormatter = time => time.ToString(format, CultureInfo.InvariantCulture);
        }

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

    // Intervals without runs are gaps in the lines rather than straight lines drawn across them.
    private static IEnumerable<TrendPoint[]> Segments(IReadOnlyList<TrendPoint> points)
    {
        var segment = new List<TrendPoint>();
        foreach (var point in points)
        {
            if (point is { Count: > 0, P50Ms: not null, P95Ms: not null })
            {
                segment.Add(point);
            }
            else if (segment.Count > 0)
            {
                yield return [.. segment];
                segment.Clear();
            }
        }

        if (segment.Count > 0) yield return [.. segment];
    }

    private static void Line(Plot plot, TrendPoint[] points, Func<TrendPoint, double> value, Color color, string? legend)
    {
        double[] xs = [.. points.Select(p => p.Start.UtcDateTime.ToOADate())];
        double[] ys = [.. points.Select(value)];
        var line = plot.Add.Scatter(xs, ys, color);
        line.LineWidth = 2;
        line.MarkerSize = 6;
        if (legend is not null) line.LegendText = legend;
    }

    // Latency starts at zero; an axis that starts at the lowest point makes small differences look huge.
    private static void FromZero(Plot plot)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, limits.Top * 1.05);
    }
}

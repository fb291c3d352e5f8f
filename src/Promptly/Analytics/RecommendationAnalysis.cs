using Promptly.Latency;

namespace Promptly.Analytics;

using static BottleneckAnalysis;

/// <summary>
/// Targets per source and per phase, from the measured figures. A source's target p95 is the budget threshold for
/// interviewer responses (text and voice alike) and, for other pipelines, a tail no longer than <see cref="TailFactor"/> times their median; a phase's
/// target is its share of its source's time applied to the source's target.
/// </summary>
internal static class RecommendationAnalysis
{
    public const double TailFactor = 1.5;

    public static RecommendationReport Of(AnalyticsScope scope, IReadOnlyDictionary<string, LatencySlice> bySource)
    {
        var recommendations = new List<Recommendation>();
        foreach (var (source, slice) in bySource.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var total = slice.Total;
            if (total.Count == 0) continue;
            var p = total.Percentiles(50, 95, 99);
            var target = RunSample.IsResponseSource(source) ? scope.BudgetThresholdMs : Math.Min(p[1], p[0] * TailFactor);
            if (p[1] > target)
            {
                recommendations.Add(Make("source", source, null, p[1], target, SourceActions(source, slice, p, target)));
            }

            var phaseTime = slice.Phases.Values.Sum(x => x.Sum);
            foreach (var (name, phase) in slice.PhasesByTime)
            {
                if (phase.Count == 0 || phaseTime <= 0) continue;
                var share = phase.Sum / phaseTime;
                var phaseTarget = target * share;
                var q = phase.Percentiles(50, 95, 99);
                if (q[1] <= phaseTarget) continue;
                recommendations.Add(Make("phase", source, name, q[1], phaseTarget, PhaseActions(source, name, phase, q, phaseTarget, share)));
            }
        }

        return new RecommendationReport(scope, [.. recommendations.OrderByDescending(r => r.ImprovementPercent).ThenByDescending(r => r.CurrentP95Ms)]);
    }

    private static Recommendation Make(string kind, string source, string? phase, double current, double target, List<string> actions) =>
        new(kind, source, phase, LatencyAnalytics.Round(current), LatencyAnalytics.Round(target), Math.Round((current - target) / current * 100, 1), actions);

    private static List<string> SourceActions(string source, LatencySlice slice, double[] p, double target)
    {
        var actions = new List<string>();
        // Phases that all took 0 ms have no share to name (it would read "NaN%").
        var phaseTime = slice.Phases.Values.Sum(x => x.Sum);
        if (phaseTime > 0 && slice.PhasesByTime.FirstOrDefault() is { Name: { } top, Distribution: { } d })
        {
            var share = d.Sum / phaseTime;
            actions.Add($"Start with '{top}': {Percent(share)} of the time of '{source}' runs (mean {Ms(d.Mean)}, p95 {Ms(d.Percentile(95))}).");
        }

        if (p[0] > target)
        {
            actions.Add($"Even the median run ({Ms(p[0])}) is over the target of {Ms(target)}: the common path must get faster, a tail fix will not do.");
        }
        else
        {
            var over = slice.Total.CountAbove(target);
            actions.Add($"{over} runs ({Percent((double)over / slice.Total.Count)}) take longer than {Ms(target)}; bringing them under it meets the target without touching the median ({Ms(p[0])}).");
        }

        var outliers = Outliers(slice.Total);
        if (outliers.MadCount > 0)
        {
            actions.Add($"{outliers.MadCount} runs are outliers (over {Ms(outliers.MadThresholdMs)} by the median-absolute-deviation rule): list them with GET /api/latency/slow and look for what they share.");
        }

        if (slice.Total.Failed > 0)
        {
            actions.Add($"{slice.Total.Failed} runs failed and count against compliance whatever their time: fix or retry the failing call.");
        }

        return actions;
    }

    private static List<string> PhaseActions(string source, string phase, LatencyDistribution d, double[] q, double target, double share)
    {
        var actions = new List<string>
        {
            $"'{phase}' takes {Percent(share)} of the time of '{source}' runs; its fair share of the target is a p95 of {Ms(target)}, it is at {Ms(q[1])}.",
        };
        var tail = q[0] > 0 ? q[2] / q[0] : 0;
        if (q[0] > target)
        {
            actions.Add($"Its median ({Ms(q[0])}) is already over that: reduce the work it does every time (smaller inputs, caching, a faster backend).");
        }
        else if (tail >= 3)
        {
            actions.Add($"Its p99 is {tail:0.#}× its median ({Ms(q[2])} against {Ms(q[0])}): bound the tail with a deadline near {Ms(target)} and a retry or fallback.");
        }

        if (d.StdDev > d.Mean)
        {
            actions.Add($"Its spread is wider than its mean (σ {Ms(d.StdDev)}, mean {Ms(d.Mean)}): look for contention, queueing or cold starts.");
        }

        actions.Add($"Capping it at {Ms(target)} would save {Ms(d.MeanExcessOver(target))} per run on average.");
        return actions;
    }
}

using System.Globalization;
using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>Phases over a p95 threshold, and runs that stand out from the rest.</summary>
internal static class BottleneckAnalysis
{
    /// <summary>The modified z-score (0.6745·(x − median)/MAD) over which a run is an outlier (Iglewicz and Hoaglin).</summary>
    public const double ModifiedZLimit = 3.5;

    public static BottleneckReport Of(AnalyticsScope scope, LatencySlice slice, double thresholdMs)
    {
        var totalMean = slice.Total.Mean;
        var bottlenecks = new List<Bottleneck>();
        foreach (var (name, phase) in slice.Phases)
        {
            if (phase.Count == 0) continue;
            var p = phase.Percentiles(50, 95, 99);
            if (p[1] <= thresholdMs) continue;

            var affected = phase.CountAbove(thresholdMs);
            var saved = phase.MeanExcessOver(thresholdMs) * phase.Count / Math.Max(1, slice.Total.Count);
            var speedup = totalMean > 0 ? Math.Min(100, saved / totalMean * 100) : 0;
            bottlenecks.Add(new Bottleneck(name, Round(p[1]), thresholdMs, Math.Round((p[1] - thresholdMs) / thresholdMs * 100, 1), affected,
                Math.Round((double)affected / phase.Count, 4), Math.Round(speedup, 1), Advice(name, p[0], p[1], p[2], thresholdMs, saved, phase)));
        }

        return new BottleneckReport(scope, thresholdMs, [.. bottlenecks.OrderByDescending(b => b.EstimatedSpeedupPercent).ThenByDescending(b => b.P95Ms)],
            Outliers(slice.Total));
    }

    public static OutlierReport Outliers(LatencyDistribution total)
    {
        if (total.Count == 0) return new OutlierReport(0, 0, 0, 0, 0, 0, 0, 0);
        var sigmaLimit = total.Mean + 2 * total.StdDev;
        var median = total.Percentile(50);
        var mad = total.MedianAbsoluteDeviation();
        // With a MAD of 0 (most runs identical) any run away from the median is an outlier.
        var madLimit = median + ModifiedZLimit * mad / 0.6745;
        return new OutlierReport(Round(total.Mean), Round(total.StdDev), Round(sigmaLimit), total.CountAbove(sigmaLimit), Round(median), Round(mad),
            Round(madLimit), total.CountAbove(madLimit));
    }

    // What the shape of the phase's distribution says about where its time goes.
    private static string Advice(string phase, double p50, double p95, double p99, double threshold, double savedPerRun, LatencyDistribution d)
    {
        var text = new List<string>();
        if (p50 > threshold)
        {
            text.Add($"'{phase}' is slow in the typical run (p50 {Ms(p50)} > {Ms(threshold)}): make the common path faster, e.g. cache, smaller inputs or a faster backend");
        }
        else
        {
            text.Add($"'{phase}' is fine at the median ({Ms(p50)}) but its tail is not (p95 {Ms(p95)}, p99 {Ms(p99)}): find what the slow {Percent((double)d.CountAbove(threshold) / d.Count)} of runs do differently and bound it with a deadline near {Ms(threshold)}");
        }

        if (d.StdDev > d.Mean)
        {
            text.Add($"its spread (σ {Ms(d.StdDev)} against a mean of {Ms(d.Mean)}) points at contention, retries or cold starts");
        }

        text.Add($"capping it at {Ms(threshold)} would save {Ms(savedPerRun)} per run on average");
        return string.Join("; ", text) + ".";
    }

    internal static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) + " ms";

    internal static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static double Round(double ms) => LatencyAnalytics.Round(ms);
}

using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>
/// Figures per interval, and regressions: an interval whose p95 is more than <see cref="RegressionFactor"/> times
/// the median p95 of the <see cref="BaselineIntervals"/> intervals before it, each with at least
/// <see cref="MinRuns"/> runs so that a quiet hour cannot raise an alarm.
/// </summary>
internal static class TrendAnalysis
{
    public const int BaselineIntervals = 7;
    public const double RegressionFactor = 1.25;
    public const int MinRuns = 20;

    public static TrendReport Of(AnalyticsScope scope, IReadOnlyDictionary<long, LatencySlice> slices, BucketSize size, string interval)
    {
        var step = size.Milliseconds();
        var first = size.Floor(scope.From).ToUnixTimeMilliseconds();
        var end = scope.To.ToUnixTimeMilliseconds();
        var history = new List<double>();
        var start = first - step * BaselineIntervals;

        // The look-back intervals before the window only feed the baseline.
        for (var ms = start; ms < first; ms += step)
        {
            if (slices.TryGetValue(ms, out var slice) && slice.Total.Count >= MinRuns) history.Add(slice.Total.Percentile(95));
            else history.Add(double.NaN);
        }

        var points = new List<TrendPoint>();
        for (var ms = first; ms < end; ms += step)
        {
            var slice = slices.GetValueOrDefault(ms);
            var count = slice?.Total.Count ?? 0;
            double? baseline = Median(history.TakeLast(BaselineIntervals));
            TrendPoint point;
            if (slice is null || count == 0)
            {
                point = new TrendPoint(DateTimeOffset.FromUnixTimeMilliseconds(ms), 0, null, null, null, baseline, false);
                history.Add(double.NaN);
            }
            else
            {
                var p = slice.Total.Percentiles(50, 95);
                var regression = count >= MinRuns && baseline is { } b && p[1] > b * RegressionFactor;
                point = new TrendPoint(DateTimeOffset.FromUnixTimeMilliseconds(ms), count, Round(p[0]), Round(p[1]),
                    Math.Round((double)slice.Total.WithinBudget / count, 6), baseline is { } x ? Round(x) : null, regression);
                history.Add(count >= MinRuns ? p[1] : double.NaN);
            }

            points.Add(point);
        }

        return new TrendReport(scope, interval, RegressionFactor, points, [.. points.Where(p => p.Regression)]);
    }

    private static double? Median(IEnumerable<double> values)
    {
        var known = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return Percentiles.OfSorted(known, 50);
    }

    private static double Round(double ms) => LatencyAnalytics.Round(ms);
}

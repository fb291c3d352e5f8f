namespace Promptly.Budget;

/// <summary>
/// Exact percentiles by linear interpolation between the closest ranks, numpy's default ("linear"):
/// for sorted values v[0..n-1] and q in [0, 100], h = (n - 1)·q/100 and the result is
/// v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋]). It never exceeds the largest value, a single sample is every
/// percentile of itself, and no samples give null.
/// </summary>
public static class Percentiles
{
    /// <param name="sorted">Values in ascending order.</param>
    /// <param name="q">The percentile, 0 to 100.</param>
    public static double? OfSorted(ReadOnlySpan<double> sorted, double q)
    {
        if (double.IsNaN(q) || q < 0 || q > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A percentile is between 0 and 100.");
        }

        if (sorted.Length == 0) return null;
        var h = (sorted.Length - 1) * (q / 100.0);
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var low = sorted[lo];
        var high = sorted[hi];
        // Rounding in the interpolation must not step outside the two neighbours (and so outside min..max).
        return Math.Clamp(low + (h - lo) * (high - low), low, high);
    }

    /// <summary>Sorts a copy of <paramref name="values"/> and returns the percentiles <paramref name="qs"/> in order.</summary>
    public static double?[] Of(IEnumerable<double> values, params ReadOnlySpan<double> qs)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var result = new double?[qs.Length];
        for (var i = 0; i < qs.Length; i++)
        {
            result[i] = OfSorted(sorted, qs[i]);
        }

        return result;
    }
}

/// <summary>Count, mean, max and the exact p50/p90/p95/p99 of a set of response times, from one sort.</summary>
public sealed record LatencyStats(int Count, double? Mean, double? Max, double? P50, double? P90, double? P95, double? P99)
{
    public static LatencyStats Empty { get; } = new(0, null, null, null, null, null, null);

    public static LatencyStats Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0) return Empty;
        Array.Sort(sorted);
        var sum = 0.0;
        foreach (var v in sorted) sum += v;
        return new LatencyStats(
            sorted.Length,
            sum / sorted.Length,
            sorted[^1],
            Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 90),
            Percentiles.OfSorted(sorted, 95),
            Percentiles.OfSorted(sorted, 99));
    }
}

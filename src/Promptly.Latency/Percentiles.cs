namespace Promptly.Latency;

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
}

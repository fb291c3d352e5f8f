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
        var (low, high, fraction) = Ranks(sorted.Length, q);
        return sorted.Length == 0 ? null : Interpolate(sorted[(int)low], sorted[(int)high], fraction);
    }

    /// <summary>
    /// Where the <paramref name="q"/>-th percentile of <paramref name="count"/> values lies: between the 0-based order
    /// statistics <c>Low</c> and <c>High</c>, <c>Fraction</c> of the way. Every representation (sorted values, a digest's
    /// buckets) finds its two values and hands them to <see cref="Interpolate"/>, so all percentiles agree.
    /// </summary>
    public static (long Low, long High, double Fraction) Ranks(long count, double q)
    {
        if (double.IsNaN(q) || q < 0 || q > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A percentile is between 0 and 100.");
        }

        if (count == 0) return (0, 0, 0);
        var h = (count - 1) * (q / 100.0);
        var low = (long)Math.Floor(h);
        return (low, Math.Min(low + 1, count - 1), h - low);
    }

    /// <summary>The value <paramref name="fraction"/> of the way from <paramref name="low"/> to <paramref name="high"/>.</summary>
    public static double Interpolate(double low, double high, double fraction) =>
        // Rounding in the interpolation must not step outside the two neighbours (and so outside min..max).
        Math.Clamp(low + fraction * (high - low), low, high);
}

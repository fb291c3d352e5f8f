namespace Promptly.Latency;

/// <summary>
/// A set of durations (ms) as the analyses see it, whether held exactly (<see cref="ExactDistribution"/>, for small
/// windows) or summarised (<see cref="LatencyDigest"/>). Percentiles follow numpy's default linear interpolation,
/// computed by <see cref="Latency.Percentiles"/> as for a session's exact figures.
/// </summary>
public abstract class LatencyDistribution
{
    public abstract long Count { get; }
    public abstract double Sum { get; }
    public abstract double Mean { get; }
    public abstract double Min { get; }
    public abstract double Max { get; }
    public abstract double StdDev { get; }

    /// <summary>Runs within their budget: not failed and not over their threshold (meaningful for whole runs only).</summary>
    public abstract long WithinBudget { get; }
    public abstract long Failed { get; }

    /// <summary>The values of the given 0-based order statistics, <paramref name="ranks"/> ascending.</summary>
    protected abstract void OrderStatistics(ReadOnlySpan<long> ranks, Span<double> values);

    /// <summary>Distinct values (or bucket estimates) with their counts, ascending.</summary>
    protected abstract IEnumerable<(double Value, long Count)> Buckets();

    public double Percentile(double q) => Percentiles([q])[0];

    /// <summary>The percentiles <paramref name="qs"/> (0 to 100) in the order given; all 0 when empty.</summary>
    public double[] Percentiles(params ReadOnlySpan<double> qs)
    {
        var result = new double[qs.Length];
        var n = Count;
        if (n == 0) return result;

        Span<long> ranks = stackalloc long[qs.Length * 2];
        Span<double> fractions = stackalloc double[qs.Length];
        for (var i = 0; i < qs.Length; i++)
        {
            (ranks[2 * i], ranks[2 * i + 1], fractions[i]) = Latency.Percentiles.Ranks(n, qs[i]);
        }

        Span<long> sorted = stackalloc long[ranks.Length];
        ranks.CopyTo(sorted);
        sorted.Sort();
        Span<double> values = stackalloc double[sorted.Length];
        OrderStatistics(sorted, values);
        for (var i = 0; i < qs.Length; i++)
        {
            result[i] = Latency.Percentiles.Interpolate(ValueOf(ranks[2 * i], sorted, values, n), ValueOf(ranks[2 * i + 1], sorted, values, n), fractions[i]);
        }

        return result;
    }

    /// <summary>How many values are greater than <paramref name="ms"/> (for a digest: by bucket, within its 0.39%).</summary>
    public long CountAbove(double ms)
    {
        long above = 0;
        foreach (var (value, count) in Buckets())
        {
            if (value > ms) above += count;
        }

        return above;
    }

    /// <summary>The time per value spent beyond <paramref name="ms"/>: what capping every value at it would save on average.</summary>
    public double MeanExcessOver(double ms)
    {
        if (Count == 0) return 0;
        var excess = 0.0;
        foreach (var (value, count) in Buckets())
        {
            if (value > ms) excess += (value - ms) * count;
        }

        return excess / Count;
    }

    /// <summary>
    /// The median absolute deviation from the median: a spread that a few huge values cannot inflate, unlike the
    /// standard deviation.
    /// </summary>
    public double MedianAbsoluteDeviation()
    {
        if (Count == 0) return 0;
        var median = Percentile(50);
        var deviations = Buckets().Select(b => (Value: Math.Abs(b.Value - median), b.Count)).OrderBy(d => d.Value).ToList();
        var (lowRank, highRank, fraction) = Latency.Percentiles.Ranks(Count, 50);
        return Latency.Percentiles.Interpolate(WeightedOrderStatistic(deviations, lowRank), WeightedOrderStatistic(deviations, highRank), fraction);
    }

    private static double WeightedOrderStatistic(List<(double Value, long Count)> sorted, long rank)
    {
        long seen = 0;
        foreach (var (value, count) in sorted)
        {
            seen += count;
            if (rank < seen) return value;
        }

        return sorted[^1].Value;
    }

    // The extreme order statistics are known exactly, whatever the representation.
    private double ValueOf(long rank, ReadOnlySpan<long> ranks, ReadOnlySpan<double> values, long n)
    {
        if (rank == 0) return Min;
        if (rank == n - 1) return Max;
        return values[ranks.IndexOf(rank)];
    }
}

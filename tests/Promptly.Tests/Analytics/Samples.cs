namespace Promptly.Tests.Analytics;

/// <summary>
/// Seeded sample shapes and an exact percentile reference written here, independent of every percentile in src:
/// sort, then numpy's default linear interpolation with h = (n − 1)·q/100.
/// </summary>
internal static class Samples
{
    public static readonly double[] Quantiles = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

    /// <summary>The exact q-th percentile of <paramref name="sorted"/> (ascending).</summary>
    public static double Reference(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * (q / 100.0);
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The two order statistics the q-th percentile interpolates between.</summary>
    public static (double Low, double High) Neighbours(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * (q / 100.0);
        var lo = (int)Math.Floor(h);
        return (sorted[lo], sorted[Math.Min(lo + 1, sorted.Length - 1)]);
    }

    public static double[] Sorted(IEnumerable<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>Population mean and standard deviation by two passes, the textbook way.</summary>
    public static (double Mean, double StdDev) Moments(double[] values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        var squares = 0.0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / values.Length));
    }

    /// <summary>A standard normal deviate by the Box–Muller transform.</summary>
    public static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static double[] LogNormal(Random random, int count, double median, double sigma)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = median * Math.Exp(sigma * Gaussian(random));
        return values;
    }

    /// <summary>Pareto with minimum <paramref name="scale"/> and tail index <paramref name="alpha"/> (infinite variance below 2).</summary>
    public static double[] Pareto(Random random, int count, double scale, double alpha)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = scale * Math.Pow(1.0 - random.NextDouble(), -1.0 / alpha);
        return values;
    }

    public static double[] Uniform(Random random, int count, double min, double max)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = min + (max - min) * random.NextDouble();
        return values;
    }

    /// <summary>Shuffled in place, so that sorted input cannot hide an order dependence.</summary>
    public static double[] Shuffled(Random random, double[] values)
    {
        random.Shuffle(values);
        return values;
    }
}

using Promptly.Latency;

namespace Promptly.Tests.Analytics;

/// <summary>
/// A digest's figures against the exact ones over the same values: percentiles within 1% (the requirement) and
/// within the 0.4% the digest states for values of 1 µs and more; count, min, max and budget counts exact; mean
/// and standard deviation to 1e-9.
/// </summary>
public sealed class DigestAccuracyTests
{
    private const double Required = 0.01;
    private const double Stated = 0.004;
    private const double Microsecond = 0.001;
    private const double Nanosecond = 0.000_001;

    public static TheoryData<string> Shapes =>
    [
        "lognormal-1M", "bimodal", "pareto", "all-equal", "one", "two", "with-zeros",
        "sub-microsecond", "minutes", "days", "microseconds-to-days",
    ];

    private static double[] Shape(string name) => name switch
    {
        // The shape of interview responses: median 900 ms, a long right tail.
        "lognormal-1M" => Samples.LogNormal(new Random(1), 1_000_000, 900, 0.6),
        // Cache hits and misses: 70% near 5 ms, 30% near 4 s, nothing in between.
        "bimodal" => Samples.Shuffled(new Random(2), [.. Samples.LogNormal(new Random(3), 140_000, 5, 0.1), .. Samples.LogNormal(new Random(4), 60_000, 4000, 0.1)]),
        // Infinite variance: the tail dominates the moments.
        "pareto" => Samples.Pareto(new Random(5), 200_000, 10, 1.1),
        "all-equal" => Enumerable.Repeat(1234.567, 1000).ToArray(),
        "one" => [42.42],
        "two" => [3.0, 7000.0],
        "with-zeros" => Samples.Shuffled(new Random(6), [.. new double[30_000], .. Samples.LogNormal(new Random(7), 70_000, 250, 1.0)]),
        // 100 ns to 1 µs, where nanosecond rounding is a visible part of each value.
        "sub-microsecond" => Samples.Uniform(new Random(8), 100_000, 100 * Nanosecond, Microsecond),
        // Four to ten minutes: a CI pipeline such as the README's example (412 s).
        "minutes" => Samples.Uniform(new Random(12), 100_000, 240_000, 600_000),
        // One to almost seven days (the longest duration a digest takes).
        "days" => Samples.Uniform(new Random(9), 100_000, 86_400_000, 6.9 * 86_400_000),
        // Log-uniform over 10 µs to 5 days: every bucket magnitude of the histogram.
        "microseconds-to-days" => Samples.Uniform(new Random(10), 200_000, Math.Log(10 * Microsecond), Math.Log(5 * 86_400_000.0)).Select(Math.Exp).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Percentiles_DigestOfShape_WithinOnePercentAndStatedBound(string shape)
    {
        var values = Shape(shape);
        Assert.True(values.Max() <= LatencyDigest.MaxMs, "the data set stays within what a digest tracks");
        var digest = new LatencyDigest();
        foreach (var v in values) digest.Record(v);

        AssertPercentiles(Samples.Sorted(values), digest);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Moments_DigestOfShape_CountMinMaxExactMeanAndStdDevToOnePartInBillion(string shape)
    {
        var values = Shape(shape);
        var digest = new LatencyDigest();
        foreach (var v in values) digest.Record(v);

        var sorted = Samples.Sorted(values);
        var (mean, stdDev) = Samples.Moments(values);
        Assert.Equal(values.Length, digest.Count);
        Assert.Equal(sorted[0], digest.Min);
        Assert.Equal(sorted[^1], digest.Max);
        AssertRelative(mean, digest.Mean, 1e-9, "mean");
        // The reference itself rounds: for equal values its deviations are ±1 ulp of the mean rather than 0.
        Assert.True(Math.Abs(digest.StdDev - stdDev) <= 1e-9 * stdDev + 1e-12 * Math.Abs(mean), $"std dev {digest.StdDev} vs exact {stdDev}");
        AssertRelative(mean * values.Length, digest.Sum, 1e-9, "sum");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compliance_DigestOfRuns_WithinAndFailedCountsExact(string shape)
    {
        var values = Shape(shape);
        var threshold = Samples.Reference(Samples.Sorted(values), 80);
        var digest = new LatencyDigest();
        long within = 0, failed = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var fails = i % 37 == 5;
            var ok = !fails && values[i] <= threshold;
            digest.RecordRun(values[i], ok, fails);
            if (ok) within++;
            if (fails) failed++;
        }

        Assert.Equal(within, digest.WithinBudget);
        Assert.Equal(failed, digest.Failed);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ExactDistribution_OfShape_MatchesReferenceExactly(string shape)
    {
        var values = Shape(shape);
        var sorted = Samples.Sorted(values);
        var exact = new ExactDistribution(values, withinBudget: 7, failed: 3);

        var actual = exact.Percentiles(Samples.Quantiles);
        for (var i = 0; i < Samples.Quantiles.Length; i++)
        {
            Assert.Equal(Samples.Reference(sorted, Samples.Quantiles[i]), actual[i]);
            Assert.Equal(actual[i], exact.Percentile(Samples.Quantiles[i]));
        }

        var (mean, stdDev) = Samples.Moments(values);
        Assert.Equal(values.Length, exact.Count);
        Assert.Equal(sorted[0], exact.Min);
        Assert.Equal(sorted[^1], exact.Max);
        AssertRelative(mean, exact.Mean, 1e-12, "mean");
        Assert.True(Math.Abs(exact.StdDev - stdDev) <= 1e-12 * stdDev + 1e-12 * Math.Abs(mean), $"std dev {exact.StdDev} vs exact {stdDev}");
        Assert.Equal(7, exact.WithinBudget);
        Assert.Equal(3, exact.Failed);
    }

    [Fact]
    public void Percentiles_ValuesUnder256Nanoseconds_ExactToTheNanosecond()
    {
        // Below ~50 ns half a nanosecond is more than 1%, so the promise there is absolute: exact to the ns.
        var values = Samples.Uniform(new Random(11), 50_000, 0, 255 * Nanosecond);
        var digest = new LatencyDigest();
        foreach (var v in values) digest.Record(v);

        var sorted = Samples.Sorted(values);
        var actual = digest.Percentiles(Samples.Quantiles);
        for (var i = 0; i < Samples.Quantiles.Length; i++)
        {
            var exact = Samples.Reference(sorted, Samples.Quantiles[i]);
            Assert.True(Math.Abs(actual[i] - exact) <= 0.5 * Nanosecond + 1e-15, $"p{Samples.Quantiles[i]}: {actual[i]} ms vs exact {exact} ms");
        }
    }

    [Fact]
    public void Percentiles_EmptyDigest_AllZero()
    {
        var digest = new LatencyDigest();
        Assert.All(digest.Percentiles(Samples.Quantiles), p => Assert.Equal(0, p));
        Assert.Equal(0, digest.Count);
        Assert.Equal(0, digest.Mean);
        Assert.Equal(0, digest.StdDev);
        Assert.Equal(0, digest.Min);
        Assert.Equal(0, digest.Max);
    }

    [Fact]
    public void Percentile_OrderStatisticAtBucketEdgesFromOneMicrosecond_WithinStatedBound()
    {
        // The worst case for a histogram: the median right at a bucket edge, where buckets double in width, and
        // just below and above it. The edges of a 2-significant-digit histogram are the powers of two from 256 ns
        // on; a value of one microsecond or more is promised 0.4%. (Edges from 2^38 ns on: the next test.)
        var violations = new List<string>();
        for (var power = 10; power <= 37; power++)
        {
            foreach (var offsetNs in new[] { -1.0, -0.6, -0.4, -0.1, 0, 0.1, 0.4, 0.6, 1.0 })
            {
                CheckMedian((Math.Pow(2, power) + offsetNs) * Nanosecond, Stated, violations);
            }
        }

        Assert.True(violations.Count == 0, "over the stated 0.4%: " + string.Join(", ", violations));
    }

    [Fact]
    public void Percentile_OrderStatisticsFromFourAndAHalfMinutesToSevenDays_WithinStatedBound()
    {
        // Every bucket magnitude from 2^38 ns (274.9 s) up to the 7-day limit, at ten points across each.
        var violations = new List<string>();
        for (var power = 38; power <= 49; power++)
        {
            for (var step = 0; step < 10; step++)
            {
                var median = Math.Pow(2, power) * (1 + step / 10.0) * Nanosecond;
                if (median * 2 <= LatencyDigest.MaxMs) CheckMedian(median, Stated, violations);
            }
        }

        Assert.True(violations.Count == 0, "over the stated 0.4%: " + string.Join(", ", violations));
    }

    // The median of {m/2, m, 2m} is m exactly; the digest reads it from m's bucket.
    private static void CheckMedian(double median, double bound, List<string> violations)
    {
        var digest = new LatencyDigest();
        digest.Record(median / 2);
        digest.Record(median);
        digest.Record(median * 2);
        var estimate = digest.Percentile(50);
        var error = Math.Abs(estimate - median) / median;
        if (error > bound) violations.Add($"{median * 1_000_000:0.#} ns -> {estimate * 1_000_000:0.#} ns ({error:P3})");
    }

    private static void AssertPercentiles(double[] sorted, LatencyDigest digest)
    {
        var actual = digest.Percentiles(Samples.Quantiles);
        for (var i = 0; i < Samples.Quantiles.Length; i++)
        {
            var q = Samples.Quantiles[i];
            var exact = Samples.Reference(sorted, q);
            Assert.Equal(actual[i], digest.Percentile(q));
            if (exact == 0)
            {
                Assert.True(Math.Abs(actual[i]) <= 1e-12, $"p{q}: {actual[i]} ms where the exact value is 0");
                continue;
            }

            var error = Math.Abs(actual[i] - exact) / exact;
            Assert.True(error <= Required, $"p{q}: {actual[i]} ms vs exact {exact} ms ({error:P3} > 1%)");

            // The stated bound covers order statistics of 1 µs and more (and exact zeros, which a digest keeps exact).
            var (low, high) = Samples.Neighbours(sorted, q);
            if (low is 0 or >= Microsecond && high >= Microsecond)
            {
                Assert.True(error <= Stated, $"p{q}: {actual[i]} ms vs exact {exact} ms ({error:P3} > 0.4%)");
            }
        }
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: {actual} vs exact {expected}");
}

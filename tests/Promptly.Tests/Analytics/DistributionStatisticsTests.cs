using Promptly.Analytics;
using Promptly.Latency;

namespace Promptly.Tests.Analytics;

/// <summary>CountAbove, MeanExcessOver and the median absolute deviation: exact for exact data, within a bucket for digests.</summary>
public sealed class DistributionStatisticsTests
{
    // A digest's bucket estimate is within 1/256 of the value (plus half a nanosecond, nothing at these scales).
    private const double Bucket = 0.004;

    private static readonly double[] Values = Samples.LogNormal(new Random(30), 100_000, 900, 0.6);

    public static TheoryData<double> Thresholds => [0.0, 150, 600, 900, 1234.5, 2000, 5000, 20_000];

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void CountAbove_ExactAndDigest_ExactCountsAndDigestWithinOneBucket(double threshold)
    {
        var (exact, digest) = Both(Values);

        Assert.Equal(Values.LongCount(v => v > threshold), exact.CountAbove(threshold));
        // A value counts wrongly only if the threshold falls inside its bucket.
        var atLeast = Values.LongCount(v => v > threshold / (1 - Bucket));
        var atMost = Values.LongCount(v => v > threshold / (1 + Bucket));
        var counted = digest.CountAbove(threshold);
        Assert.InRange(counted, atLeast, atMost);
    }

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void MeanExcessOver_ExactAndDigest_ExactSumAndDigestWithinBucketOfMean(double threshold)
    {
        var (exact, digest) = Both(Values);

        var reference = Values.Sum(v => Math.Max(0, v - threshold)) / Values.Length;
        Assert.True(Math.Abs(exact.MeanExcessOver(threshold) - reference) <= 1e-9 * Math.Max(reference, 1), $"{exact.MeanExcessOver(threshold)} vs {reference}");
        // Each value's excess moves by at most its own bucket error.
        Assert.True(Math.Abs(digest.MeanExcessOver(threshold) - reference) <= Bucket * exact.Mean, $"{digest.MeanExcessOver(threshold)} vs {reference}");
    }

    [Fact]
    public void MeanExcessOver_Empty_Zero() => Assert.Equal(0, new ExactDistribution([]).MeanExcessOver(10));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void MedianAbsoluteDeviation_ExactDistribution_MatchesReference(int count)
    {
        var values = Values[..count];
        var median = Samples.Reference(Samples.Sorted(values), 50);
        var deviations = Samples.Sorted(values.Select(v => Math.Abs(v - median)));

        Assert.Equal(Samples.Reference(deviations, 50), new ExactDistribution(values).MedianAbsoluteDeviation());
    }

    [Fact]
    public void MedianAbsoluteDeviation_Digest_WithinBucketsOfMedianAndDeviation()
    {
        var (exact, digest) = Both(Values);
        var mad = exact.MedianAbsoluteDeviation();
        var median = exact.Percentile(50);

        // Both the median and each value move by a bucket, so a deviation moves by at most the two.
        Assert.True(Math.Abs(digest.MedianAbsoluteDeviation() - mad) <= Bucket * (2 * median + mad), $"{digest.MedianAbsoluteDeviation()} vs {mad}");
    }

    [Fact]
    public void MedianAbsoluteDeviation_AllEqual_Zero()
    {
        var (exact, digest) = Both(Enumerable.Repeat(321.0, 500).ToArray());
        Assert.Equal(0, exact.MedianAbsoluteDeviation());
        Assert.Equal(0, digest.MedianAbsoluteDeviation());
        Assert.Equal(0, new LatencyDigest().MedianAbsoluteDeviation());
    }

    [Fact]
    public void MedianAbsoluteDeviation_FewHugeValuesAdded_BarelyMovesWhileTwoSigmaThresholdJumps()
    {
        var typical = Samples.LogNormal(new Random(31), 1000, 1000, 0.3);
        double[] polluted = [.. typical, .. Enumerable.Repeat(1_000_000.0, 5)];

        var (cleanExact, cleanDigest) = Both(typical);
        var (dirtyExact, dirtyDigest) = Both(polluted);
        foreach (var (clean, dirty) in new (LatencyDistribution, LatencyDistribution)[] { (cleanExact, dirtyExact), (cleanDigest, dirtyDigest) })
        {
            var madMoved = Math.Abs(dirty.MedianAbsoluteDeviation() - clean.MedianAbsoluteDeviation()) / clean.MedianAbsoluteDeviation();
            var sigmaBefore = clean.Mean + 2 * clean.StdDev;
            var sigmaAfter = dirty.Mean + 2 * dirty.StdDev;
            Assert.True(madMoved < 0.02, $"{clean.GetType().Name}: the MAD moved by {madMoved:P1}");
            Assert.True(sigmaAfter > 20 * sigmaBefore, $"{clean.GetType().Name}: mean + 2σ went from {sigmaBefore} to {sigmaAfter} only");
        }
    }

    [Fact]
    public void Outliers_ModerateOutliersBehindHugeOnes_MadRuleFindsAllWhileSigmaRuleMissesThem()
    {
        // 1000 ordinary runs, 20 runs 20× slower and 5 runs 1000× slower: the huge ones inflate σ so much that the
        // mean + 2σ rule no longer sees the 20; the median and the MAD do not move, so that rule sees all 25.
        double[] values =
        [
            .. Samples.Uniform(new Random(32), 1000, 900, 1100),
            .. Enumerable.Repeat(20_000.0, 20),
            .. Enumerable.Repeat(1_000_000.0, 5),
        ];
        var (exact, digest) = Both(values);

        foreach (var distribution in new LatencyDistribution[] { exact, digest })
        {
            var outliers = BottleneckAnalysis.Outliers(distribution);
            Assert.Equal(5, outliers.SigmaCount);
            Assert.Equal(25, outliers.MadCount);
            Assert.InRange(outliers.MadThresholdMs, 1100, 2000);
            Assert.True(outliers.SigmaThresholdMs > 20_000);
        }
    }

    private static (ExactDistribution Exact, LatencyDigest Digest) Both(double[] values)
    {
        var digest = new LatencyDigest();
        foreach (var v in values) digest.Record(v);
        return (new ExactDistribution(values), digest);
    }
}

using Promptly.Latency;

namespace Promptly.Tests.Analytics;

/// <summary>
/// Digests of the parts of a data set, merged (in memory or through their stored encoding), are the digest of the
/// whole: what lets a query add up stored hours and days instead of reading rows.
/// </summary>
public sealed class DigestMergeTests
{
    [Fact]
    public void MergeHistogram_HundredPartsThroughCodec_EqualsOneDigestOfAllValues()
    {
        var values = MixedValues();
        var whole = Digest(values, 0, values.Length);

        var merged = new LatencyDigest();
        foreach (var part in Parts(values))
        {
            var bytes = part.EncodeHistogram();
            merged.AddMoments(part.Count, part.Mean, part.SquaredDeviations, part.Min, part.Max, part.WithinBudget, part.Failed);
            merged.MergeHistogram(bytes);
        }

        AssertSame(whole, merged);
        Assert.Equal(whole.EncodeHistogram(), merged.EncodeHistogram());
    }

    [Fact]
    public void Merge_HundredPartsInMemory_EqualsOneDigestOfAllValues()
    {
        var values = MixedValues();
        var whole = Digest(values, 0, values.Length);

        var merged = new LatencyDigest();
        foreach (var part in Parts(values)) merged.Merge(part);

        AssertSame(whole, merged);
    }

    [Fact]
    public void MergeHistogram_EncodingOfRunsOfSeveralMinutes_KeepsEveryValueInItsBucket()
    {
        // Four to nine minutes: a CI pipeline's runs (the README's example run takes 412 s).
        var values = Samples.Uniform(new Random(21), 10_000, 240_000, 540_000);
        var whole = Digest(values, 0, values.Length);

        var decoded = new LatencyDigest();
        decoded.AddMoments(whole.Count, whole.Mean, whole.SquaredDeviations, whole.Min, whole.Max, whole.WithinBudget, whole.Failed);
        decoded.MergeHistogram(whole.EncodeHistogram());

        AssertSame(whole, decoded);
    }

    [Fact]
    public void MergeHistogram_StoredDigestReencodedAtEveryRollup_DoesNotDrift()
    {
        // The rollup reads a stored digest, merges new runs into it and writes it back: a bucket that moved by one
        // step per round trip would drift further with every batch folded into the same hour or day.
        var values = Samples.Uniform(new Random(22), 10_000, 300_000, 500_000);
        var original = Digest(values, 0, values.Length);
        var stored = original;
        for (var rollup = 0; rollup < 20; rollup++)
        {
            var next = new LatencyDigest();
            next.AddMoments(stored.Count, stored.Mean, stored.SquaredDeviations, stored.Min, stored.Max, stored.WithinBudget, stored.Failed);
            next.MergeHistogram(stored.EncodeHistogram());
            stored = next;
        }

        var before = original.Percentiles(Samples.Quantiles);
        var after = stored.Percentiles(Samples.Quantiles);
        var drifts = Samples.Quantiles.Select((q, i) => (q, before[i], after[i])).Where(x => x.Item2 != x.Item3)
            .Select(x => $"p{x.q} {x.Item2:0.#} -> {x.Item3:0.#} ms ({(x.Item3 - x.Item2) / x.Item2:P2})").ToList();
        Assert.True(drifts.Count == 0, "after 20 stored round trips: " + string.Join(", ", drifts));
    }

    [Fact]
    public void MergeHistogram_EmptyDigestEncoding_AddsNothing()
    {
        var digest = Digest([5, 10, 20], 0, 3);
        var before = digest.Percentiles(Samples.Quantiles);
        digest.MergeHistogram(new LatencyDigest().EncodeHistogram());
        Assert.Equal(before, digest.Percentiles(Samples.Quantiles));
        Assert.Equal(3, digest.Count);
    }

    public static TheoryData<string, byte[]> CorruptEncodings => new()
    {
        { "empty", [] },
        { "version 0", [0] },
        { "version 2", [2, 10, 1] },
        { "version 255", [255] },
        { "a value without its count", [1, 10] },
        { "a varint cut short", [1, 10, 0x80] },
        { "a varint over 64 bits", [1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 1] },
        { "a value beyond 7 days", [1, .. Varint(1UL << 60), 1] },
        { "a negative value", [1, .. Varint(ulong.MaxValue - 5), 1] },
        { "a negative count", [1, 10, .. Varint(ulong.MaxValue)] },
    };

    [Theory]
    [MemberData(nameof(CorruptEncodings))]
    public void MergeHistogram_CorruptOrUnknownEncoding_ThrowsInvalidDataException(string what, byte[] bytes)
    {
        var digest = new LatencyDigest();
        var e = Record.Exception(() => digest.MergeHistogram(bytes));
        Assert.True(e is InvalidDataException, $"{what}: expected InvalidDataException, got {e?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void MergeHistogram_ValidBucketsThenCorruptOne_LeavesDigestUnchanged()
    {
        var digest = Digest([5, 10, 20], 0, 3);
        var before = digest.EncodeHistogram();

        // Two good buckets (1 ms and 2 ms), then one beyond 7 days: nothing of the row may be added.
        var e = Record.Exception(() => digest.MergeHistogram([1, .. Varint(1_000_000), 3, .. Varint(1_000_000), 2, .. Varint(1UL << 60), 1]));

        Assert.IsType<InvalidDataException>(e);
        Assert.Equal(before, digest.EncodeHistogram());
    }

    // Log-normal runs with zeros, sub-microsecond and multi-second ones, so that every part spans many magnitudes.
    private static double[] MixedValues()
    {
        var random = new Random(20);
        return Samples.Shuffled(random,
        [
            .. Samples.LogNormal(random, 200_000, 900, 0.8),
            .. new double[1000],
            .. Samples.Uniform(random, 1000, 0.0001, 0.001),
            .. Samples.Uniform(random, 1000, 10_000, 200_000),
        ]);
    }

    // About 100 parts of uneven sizes, one of them empty.
    private static List<LatencyDigest> Parts(double[] values)
    {
        var random = new Random(23);
        var cuts = Enumerable.Range(0, 98).Select(_ => random.Next(values.Length)).Append(0).Append(0).Append(values.Length).Order().ToArray();
        var parts = new List<LatencyDigest>();
        for (var i = 1; i < cuts.Length; i++) parts.Add(Digest(values, cuts[i - 1], cuts[i]));
        Assert.Contains(parts, p => p.Count == 0);
        return parts;
    }

    private static LatencyDigest Digest(double[] values, int from, int to)
    {
        var digest = new LatencyDigest();
        for (var i = from; i < to; i++) digest.RecordRun(values[i], withinBudget: values[i] <= 2000 && i % 41 != 0, failed: i % 41 == 0);
        return digest;
    }

    private static void AssertSame(LatencyDigest expected, LatencyDigest actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(expected.WithinBudget, actual.WithinBudget);
        Assert.Equal(expected.Failed, actual.Failed);
        Assert.True(Math.Abs(actual.Mean - expected.Mean) <= 1e-9 * expected.Mean, $"mean {actual.Mean} vs {expected.Mean}");
        Assert.True(Math.Abs(actual.StdDev - expected.StdDev) <= 1e-9 * expected.StdDev, $"std dev {actual.StdDev} vs {expected.StdDev}");

        // Same buckets and the same exact min and max: every derived figure is the same to the bit.
        Assert.Equal(expected.Percentiles(Samples.Quantiles), actual.Percentiles(Samples.Quantiles));
        Assert.Equal(expected.MedianAbsoluteDeviation(), actual.MedianAbsoluteDeviation());
        foreach (var threshold in new[] { 0.0005, 100, 900, 2000, 300_000 })
        {
            Assert.Equal(expected.CountAbove(threshold), actual.CountAbove(threshold));
            Assert.Equal(expected.MeanExcessOver(threshold), actual.MeanExcessOver(threshold));
        }
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}

namespace Promptly.Latency;

/// <summary>
/// A mergeable summary of a set of durations: exact count, sum, variance, min, max and budget counters, and a
/// log-linear histogram of the values for percentiles. Any two digests merge into the digest of the union, which is what
/// lets a query over a window add up stored buckets instead of reading rows.
/// </summary>
/// <remarks>
/// The histogram counts nanoseconds in buckets at most 1/128 of their values wide, and percentiles read the
/// bucket's midpoint, so each estimate is within 0.39% of the true order statistic (values under 256 ns are exact
/// to the nanosecond). Estimates are clamped to the exact min and max, so a single sample
/// or a set of equal samples comes out exact. Not thread-safe: the rollup and the queries each own theirs.
/// </remarks>
public sealed class LatencyDigest : LatencyDistribution
{
    /// <summary>Longest duration a digest tracks: 7 days. Ingest rejects longer ones rather than clamp them.</summary>
    public const double MaxMs = 7 * 24 * 3_600_000.0;

    internal const long HighestNanoseconds = (long)(MaxMs * 1_000_000);
    private const int MaxWalkedEncodings = 16;

    private LogLinearHistogram? _histogram;

    // Stored histograms merged in but not decoded yet: percentiles walk them together as they are, so a query that
    // builds hundreds of small groups (an hourly trend) allocates no count array for any of them.
    private List<byte[]>? _encoded;
    private long _count;
    private double _mean;
    private double _m2;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _within;
    private long _failed;

    public override long Count => _count;
    public override double Sum => _mean * _count;
    public override double Mean => _count == 0 ? 0 : _mean;
    public override double Min => _count == 0 ? 0 : _min;
    public override double Max => _count == 0 ? 0 : _max;

    /// <summary>Population variance (numpy's default, ddof = 0).</summary>
    public override double StdDev => _count == 0 ? 0 : Math.Sqrt(Math.Max(0, _m2 / _count));

    /// <summary>The sum of squared deviations from the mean (Welford's M2), kept so that merges stay exact.</summary>
    public double SquaredDeviations => _m2;

    public override long WithinBudget => _within;
    public override long Failed => _failed;

    private LogLinearHistogram Histogram
    {
        get
        {
            _histogram ??= new LogLinearHistogram(HighestNanoseconds);
            if (_encoded is { } pending)
            {
                _encoded = null;
                foreach (var encoded in pending) DigestCodec.Decode(encoded, _histogram);
            }

            return _histogram;
        }
    }

    /// <summary>Records a whole run: its duration and its budget outcome.</summary>
    public void RecordRun(double ms, bool withinBudget, bool failed)
    {
        Record(ms);
        if (withinBudget) _within++;
        if (failed) _failed++;
    }

    public void Record(double ms)
    {
        // Welford's update: no cancellation however large the values or however many of them.
        _count++;
        var delta = ms - _mean;
        _mean += delta / _count;
        _m2 += delta * (ms - _mean);
        if (ms < _min) _min = ms;
        if (ms > _max) _max = ms;
        Histogram.Record(ToNanoseconds(ms));
    }

    /// <summary>Adds another digest's moments (Chan et al.'s parallel combination) and counts.</summary>
    public void AddMoments(long count, double mean, double m2, double min, double max, long within, long failed)
    {
        _within += within;
        _failed += failed;
        if (count == 0) return;
        var total = _count + count;
        var delta = mean - _mean;
        _m2 += m2 + delta * delta * ((double)_count * count / total);
        _mean += delta * count / total;
        _count = total;
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    public void Merge(LatencyDigest other)
    {
        AddMoments(other._count, other._mean, other._m2, other._min, other._max, other._within, other._failed);
        if (other._histogram is { TotalCount: > 0 } histogram) Histogram.Add(histogram);
        if (other._encoded is { } pending) (_encoded ??= []).AddRange(pending);
    }

    /// <summary>
    /// Adds the histogram of another digest, as written by <see cref="EncodeHistogram"/>: checked now, decoded when
    /// first needed (the digest keeps the array, which must not change afterwards).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a histogram this version wrote; nothing is added.</exception>
    public void MergeHistogram(byte[] encoded)
    {
        if (DigestCodec.Check(encoded, HighestNanoseconds).High >= 0) (_encoded ??= []).Add(encoded);
    }

    public byte[] EncodeHistogram() => DigestCodec.Encode(_histogram is null && _encoded is null ? null : Histogram);

    protected override void OrderStatistics(ReadOnlySpan<long> ranks, Span<double> values)
    {
        // One walk over the buckets answers every rank; ranks arrive sorted ascending.
        var next = 0;
        long seen = 0;
        // Walking a few encoded histograms together beats decoding them; past a few, each step compares them all
        // and one decode into a count array is cheaper.
        var buckets = _histogram is null && _encoded is { Count: <= MaxWalkedEncodings } pending
            ? DigestCodec.Merged(pending)
            : Histogram.Buckets().Select(b => (b.Midpoint, b.Count));
        foreach (var (midpoint, count) in buckets)
        {
            seen += count;
            while (next < ranks.Length && ranks[next] < seen)
            {
                values[next++] = EstimateOf(midpoint);
            }

            if (next == ranks.Length) break;
        }

        // Only when histogram and count disagree (moments merged without a histogram): the largest value known.
        while (next < ranks.Length) values[next++] = Max;
    }

    protected override IEnumerable<(double Value, long Count)> Buckets()
    {
        if (_histogram is null && _encoded is null) yield break;
        foreach (var (_, midpoint, count) in Histogram.Buckets())
        {
            yield return (EstimateOf(midpoint), count);
        }
    }

    private double EstimateOf(double midpointNanoseconds) => Math.Clamp(midpointNanoseconds / 1_000_000.0, _min, _max);

    private static long ToNanoseconds(double ms) => Math.Clamp((long)Math.Round(ms * 1_000_000), 0, HighestNanoseconds);
}

using System.Numerics;

namespace Promptly.Analytics;

/// <summary>
/// Counts of non-negative integers (nanoseconds) in log-linear buckets: every value under 256 has its own bucket,
/// and each power of two from 256 on is split into 128 equal buckets, so a bucket is at most 1/128 of its values
/// wide. These are the buckets of an HdrHistogram at 2 significant digits, indexed with 64-bit arithmetic:
/// HdrHistogram.NET 2.5.0 computes bucket widths with a 32-bit shift, which goes wrong from 2^38 ns (275 s) on,
/// and the runs of a CI pipeline take minutes.
/// </summary>
/// <remarks>
/// A bucket's midpoint is within 1/256 (0.39%) of any value in it. Not thread-safe: each owner has its own.
/// </remarks>
internal sealed class LogLinearHistogram
{
    private const int LinearBuckets = 256;
    private const int SubBuckets = 128;
    private const int SubBucketBits = 7;

    private readonly long[] _counts;
    private int _lowest = int.MaxValue;
    private int _highest = -1;

    public LogLinearHistogram(long highestValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(highestValue);
        HighestValue = highestValue;
        _counts = new long[IndexOf(highestValue) + 1];
    }

    public long HighestValue { get; }

    public long TotalCount { get; private set; }

    public void Record(long value, long count = 1)
    {
        var index = IndexOf(value);
        _counts[index] += count;
        TotalCount += count;
        if (index < _lowest) _lowest = index;
        if (index > _highest) _highest = index;
    }

    public void Add(LogLinearHistogram other)
    {
        if (other._counts.Length > _counts.Length) throw new ArgumentException("The other histogram tracks larger values than this one.", nameof(other));
        if (other.TotalCount == 0) return;
        for (var i = other._lowest; i <= other._highest; i++) _counts[i] += other._counts[i];
        TotalCount += other.TotalCount;
        _lowest = Math.Min(_lowest, other._lowest);
        _highest = Math.Max(_highest, other._highest);
    }

    /// <summary>The non-empty buckets, ascending: the lowest value each holds, its midpoint and its count.</summary>
    public IEnumerable<(long Lowest, double Midpoint, long Count)> Buckets()
    {
        for (var i = _lowest; i <= _highest; i++)
        {
            if (_counts[i] == 0) continue;
            var (lowest, width) = BucketOf(i);
            yield return (lowest, lowest + (width - 1) / 2.0, _counts[i]);
        }
    }

    private static int IndexOf(long value)
    {
        if (value < LinearBuckets) return (int)value;
        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return LinearBuckets + (shift - 1) * SubBuckets + (int)(value >> shift) - SubBuckets;
    }

    private static (long Lowest, long Width) BucketOf(int index)
    {
        if (index < LinearBuckets) return (index, 1);
        var shift = (index - LinearBuckets) / SubBuckets + 1;
        var sub = (index - LinearBuckets) % SubBuckets + SubBuckets;
        return ((long)sub << shift, 1L << shift);
    }
}

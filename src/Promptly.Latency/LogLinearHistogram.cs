using System.Numerics;

namespace Promptly.Latency;

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

    private readonly int _lastIndex;

    // Counts of the buckets _offset .. _offset + _counts.Length - 1 only: a phase's values span a few powers of
    // two, so a query that builds hundreds of histograms (one per hour of a month) allocates a few KB for each
    // rather than the 45 KB of the full range.
    private long[] _counts = [];
    private int _offset;
    private int _lowest = int.MaxValue;
    private int _highest = -1;

    public LogLinearHistogram(long highestValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(highestValue);
        HighestValue = highestValue;
        _lastIndex = IndexOf(highestValue);
    }

    public long HighestValue { get; }

    public long TotalCount { get; private set; }

    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over <see cref="HighestValue"/>.</exception>
    public void Record(long value, long count = 1)
    {
        if ((ulong)value > (ulong)HighestValue) throw new ArgumentOutOfRangeException(nameof(value), value, $"Values from 0 to {HighestValue} are tracked.");
        var index = IndexOf(value);
        Reserve(index, index);
        _counts[index - _offset] += count;
        TotalCount += count;
        _lowest = Math.Min(_lowest, index);
        _highest = Math.Max(_highest, index);
    }

    public void Add(LogLinearHistogram other)
    {
        if (other._lastIndex > _lastIndex) throw new ArgumentException("The other histogram tracks larger values than this one.", nameof(other));
        if (other.TotalCount == 0) return;
        Reserve(other._lowest, other._highest);
        for (var i = other._lowest; i <= other._highest; i++) _counts[i - _offset] += other._counts[i - other._offset];
        TotalCount += other.TotalCount;
        _lowest = Math.Min(_lowest, other._lowest);
        _highest = Math.Max(_highest, other._highest);
    }

    /// <summary>The non-empty buckets, ascending: the lowest value each holds, its midpoint and its count.</summary>
    public IEnumerable<(long Lowest, double Midpoint, long Count)> Buckets()
    {
        for (var i = _lowest; i <= _highest; i++)
        {
            var count = _counts[i - _offset];
            if (count == 0) continue;
            var (lowest, width) = BucketOf(i);
            yield return (lowest, Midpoint(lowest, width), count);
        }
    }

    /// <summary>The midpoint of the bucket that holds <paramref name="value"/>.</summary>
    public static double MidpointOf(long value)
    {
        var (lowest, width) = BucketOf(IndexOf(value));
        return Midpoint(lowest, width);
    }

    // The centre of the integers lowest .. lowest + width - 1.
    private static double Midpoint(long lowest, long width) => lowest + (width - 1) / 2.0;

    /// <summary>Makes room for values from <paramref name="low"/> to <paramref name="high"/> in one allocation at most.</summary>
    public void ReserveValues(long low, long high) => Reserve(IndexOf(low), IndexOf(high));

    private void Reserve(int low, int high)
    {
        var end = _offset + _counts.Length;
        if (_counts.Length > 0 && low >= _offset && high < end) return;

        // Spare room on the side that ran out (at least doubling), so filling up bucket by bucket reallocates a few times only.
        var from = _counts.Length == 0 ? low : Math.Min(low, _offset);
        var to = _counts.Length == 0 ? high : Math.Max(high, end - 1);
        var spare = Math.Max(SubBuckets / 2, 2 * _counts.Length - (to - from + 1));
        if (low < _offset || _counts.Length == 0) from -= spare;
        if (high >= end || _counts.Length == 0) to += spare;

        from = Math.Max(0, from);
        to = Math.Min(_lastIndex, to);
        var counts = new long[to - from + 1];
        if (_highest >= _lowest) Array.Copy(_counts, _lowest - _offset, counts, _lowest - from, _highest - _lowest + 1);
        (_counts, _offset) = (counts, from);
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

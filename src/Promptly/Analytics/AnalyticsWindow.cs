
namespace Promptly.Analytics;

/// <summary>
/// The window of an analytics query and the digest ranges that cover it: whole days from daily digests, the
/// partial days at either end from hourly ones. <c>days=N</c> means the last N calendar days (UTC) including
/// today, so it is covered by N daily digests; an explicit from/to is widened to whole hours for the digests and
/// read exactly as given when raw rows answer it.
/// </summary>
internal sealed record AnalyticsWindow(DateTimeOffset RequestedFrom, DateTimeOffset RequestedTo, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DigestRange> Ranges)
{
    public static AnalyticsWindow LastDays(int days, DateTimeOffset now)
    {
        var to = BucketSize.Day.Floor(now).AddDays(1);
        var from = to.AddDays(-days);
        return new AnalyticsWindow(from, to, from, to, [new DigestRange(BucketSize.Day, from, to)]);
    }

    public static AnalyticsWindow Between(DateTimeOffset from, DateTimeOffset to)
    {
        var start = BucketSize.Hour.Floor(from);
        var end = BucketSize.Hour.Ceiling(to);
        var firstDay = BucketSize.Day.Ceiling(start);
        var lastDay = BucketSize.Day.Floor(end);
        if (firstDay >= lastDay)
        {
            return new AnalyticsWindow(from, to, start, end, [new DigestRange(BucketSize.Hour, start, end)]);
        }

        return new AnalyticsWindow(from, to, start, end,
        [
            new DigestRange(BucketSize.Hour, start, firstDay),
            new DigestRange(BucketSize.Day, firstDay, lastDay),
            new DigestRange(BucketSize.Hour, lastDay, end),
        ]);
    }

    /// <summary>The same window read in buckets of <paramref name="size"/> throughout (for trends).</summary>
    public AnalyticsWindow In(BucketSize size)
    {
        var start = size.Floor(From);
        var end = size.Ceiling(To);
        return this with { From = start, To = end, Ranges = [new DigestRange(size, start, end)] };
    }

    /// <summary>The window moved back by <paramref name="span"/> at its start (trend baselines look back).</summary>
    public AnalyticsWindow ExtendedBack(TimeSpan span, BucketSize size) => (this with { From = From - span, RequestedFrom = RequestedFrom - span }).In(size);
}

using Promptly.Latency;

namespace Promptly.Analytics;

/// <summary>
/// Raw runs (interviewer responses and ingested events) and the digests rolled up from them. Raw rows are the
/// source of truth; digests are derived, with a watermark per feed saying which rows they already hold.
/// </summary>
internal interface IAnalyticsStore
{
    /// <summary>Stores a batch of ingested events in one transaction: all of them or, on failure, none.</summary>
    Task SaveEventsAsync(IReadOnlyList<IngestedEvent> events, CancellationToken cancellationToken);

    /// <summary>The id of the last raw row of each feed that the stored digests hold.</summary>
    Task<IReadOnlyDictionary<RunFeed, long>> WatermarksAsync(CancellationToken cancellationToken);

    /// <summary>Raw rows of a feed after <paramref name="afterId"/>, in id order.</summary>
    Task<IReadOnlyList<FeedRun>> RunsAfterAsync(RunFeed feed, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Merges <paramref name="digests"/> (the runs after <paramref name="fromId"/> up to <paramref name="lastId"/>) into
    /// the stored ones and moves the feed's watermark, in one transaction. Returns false, writing nothing, when the
    /// watermark is no longer at <paramref name="fromId"/> (another process folded those runs first).
    /// </summary>
    Task<bool> SaveRollupAsync(IReadOnlyDictionary<DigestKey, LatencyDigest> digests, RunFeed feed, long fromId, long lastId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes raw rows older than <paramref name="rawBefore"/> that the digests already hold, and digests older than
    /// <paramref name="digestsBefore"/>, at most <paramref name="limit"/> rows of each; returns how many went.
    /// </summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset rawBefore, DateTimeOffset digestsBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="until"/>:
    /// true when it was free at <paramref name="now"/>, expired, or already <paramref name="holder"/>'s; false, changing
    /// nothing, while another holder's lease runs. Of instances asking at once, one gets it.
    /// </summary>
    Task<bool> TryLeaseAsync(string name, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Everything one query needs, read in one snapshot so the rollup cannot move between its parts: the raw runs of
    /// <see cref="AnalyticsRead.Exact"/> when its window is small enough, else the digests and the runs not folded yet.
    /// The choice is made in the same snapshot as the read, and costs at most <see cref="ExactRead.ScanLimit"/> index
    /// entries per feed however large the window.
    /// </summary>
    Task<AnalyticsSnapshot> ReadAsync(AnalyticsRead read, CancellationToken cancellationToken);
}

/// <summary>Where raw runs come from: the server's latency records, or events sent to the ingest API.</summary>
internal enum RunFeed
{
    Responses,
    Events,
}

internal readonly record struct FeedRun(long Id, RunSample Run);

/// <summary>A validated event of <c>POST /api/latency/events</c>, with the threshold in force when it arrived.</summary>
internal sealed record IngestedEvent(RunSample Run, string? RunId, string? TagsJson, double ThresholdMs);

/// <summary>Digests of one bucket size whose buckets start in [From, To).</summary>
internal readonly record struct DigestRange(BucketSize Size, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Optional sources and interview type a query is limited to. The responses feed holds the sources
/// <see cref="RunSample.ResponseSources"/> (one per channel), the events feed every other.
/// </summary>
/// <param name="Sources">The sources to read; null for all.</param>
internal readonly record struct RunFilter(IReadOnlyList<string>? Sources, string? InterviewType)
{
    /// <summary>One source, or all when null.</summary>
    public static RunFilter Of(string? source, string? interviewType) => new(source is null ? null : [source], interviewType);

    public bool Includes(RunFeed feed) => Sources is null || Sources.Any(s => RunSample.IsResponseSource(s) == (feed == RunFeed.Responses));

    /// <summary>The channel the responses feed is limited to; null when every channel is read.</summary>
    public string? Channel => Sources?.Select(RunSample.ChannelOf).OfType<string>().Distinct().ToArray() is [var only] ? only : null;

    /// <summary>
    /// The sources the events feed is limited to; null for all. Never a response source: events named so before
    /// ingest refused those names must not count as the interviewer's.
    /// </summary>
    public IReadOnlyList<string>? EventSources => Sources?.Where(s => !RunSample.IsResponseSource(s)).ToArray();
}

/// <summary>How much of each digest a query needs.</summary>
internal enum DigestDetail
{
    /// <summary>Whole runs only.</summary>
    Totals,

    /// <summary>Whole runs with histograms; phases with their moments only (count, mean, min, max).</summary>
    PhaseMoments,

    /// <summary>Whole runs and phases, all with histograms.</summary>
    Full,
}

/// <summary>
/// One analytics read: the digests of <see cref="Ranges"/> plus the raw runs in [From, To) that the rollup has not
/// reached yet; or, when <see cref="Exact"/> is given and its window holds few enough runs, that window's raw runs.
/// </summary>
internal sealed record AnalyticsRead(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DigestRange> Ranges, RunFilter Filter, DigestDetail Detail, ExactRead? Exact);

/// <summary>
/// Read the raw runs of [From, To) instead of digests when at most <see cref="RunLimit"/> of them match the filter.
/// To decide, at most <see cref="ScanLimit"/> runs of the window are looked at (matching or not), so a filter that
/// matches few runs of a busy window costs no more than a small window: such a window is answered from digests.
/// </summary>
internal sealed record ExactRead(DateTimeOffset From, DateTimeOffset To, long RunLimit)
{
    /// <summary>Runs looked at per feed, at most: four times the limit, and one more to see that there are more.</summary>
    public long ScanLimit => RunLimit * 4 + 1;
}

/// <param name="Exact">Whether the runs are the exact window's raw runs (and there are no digests).</param>
internal sealed record AnalyticsSnapshot(IReadOnlyList<StoredDigest> Digests, IReadOnlyList<RunSample> Runs, bool Exact);

/// <summary>A stored digest; <see cref="Histogram"/> is null when the read did not ask for it.</summary>
internal sealed record StoredDigest(DigestKey Key, long Count, double Mean, double SquaredDeviations, double Min, double Max, long Within, long Failed, byte[]? Histogram)
{
    public void MergeInto(LatencyDigest digest)
    {
        digest.AddMoments(Count, Mean, SquaredDeviations, Min, Max, Within, Failed);
        if (Histogram is not null) digest.MergeHistogram(Histogram);
    }
}

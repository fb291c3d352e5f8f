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
    /// How many raw runs fall in [<paramref name="from"/>, <paramref name="to"/>), counting no further than just past
    /// <paramref name="cap"/>: enough to tell whether a window is small enough to read row by row, at the cost of
    /// at most that many index entries.
    /// </summary>
    Task<long> CountRunsAsync(DateTimeOffset from, DateTimeOffset to, RunFilter filter, long cap, CancellationToken cancellationToken);

    /// <summary>Everything one query needs, read in one snapshot so the rollup cannot move between its parts.</summary>
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

/// <summary>Optional source and interview type a query is limited to.</summary>
internal readonly record struct RunFilter(string? Source, string? InterviewType)
{
    public bool Includes(RunFeed feed) => Source is null || (Source == RunSample.InterviewSource) == (feed == RunFeed.Responses);
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
/// One analytics read. With <see cref="Exact"/> the raw runs of [From, To) are read; otherwise the digests of
/// <see cref="Ranges"/> plus the raw runs in [From, To) that the rollup has not reached yet.
/// </summary>
internal sealed record AnalyticsRead(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DigestRange> Ranges, RunFilter Filter, DigestDetail Detail, bool Exact);

internal sealed record AnalyticsSnapshot(IReadOnlyList<StoredDigest> Digests, IReadOnlyList<RunSample> Runs);

/// <summary>A stored digest; <see cref="Histogram"/> is null when the read did not ask for it.</summary>
internal sealed record StoredDigest(DigestKey Key, long Count, double Mean, double SquaredDeviations, double Min, double Max, long Within, long Failed, byte[]? Histogram)
{
    public void MergeInto(LatencyDigest digest)
    {
        digest.AddMoments(Count, Mean, SquaredDeviations, Min, Max, Within, Failed);
        if (Histogram is not null) digest.MergeHistogram(Histogram);
    }
}

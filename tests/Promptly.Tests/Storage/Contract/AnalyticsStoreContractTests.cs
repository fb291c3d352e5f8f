using Promptly.Analytics;
using Promptly.Latency;
using Promptly.Tests.Support;
using static Promptly.Tests.Storage.Contract.StoreRows;

namespace Promptly.Tests.Storage.Contract;

/// <summary>Raw runs, the rollup's watermark and digests, retention and the one-snapshot read, on each store.</summary>
public sealed class AnalyticsStoreContractTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task RunsAfter_BothFeeds_InIdOrderFromTheWatermark(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await SaveEventsAsync(store.Analytics, "ci", 3);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 1, 1500, Start, channel: "voice")), CancellationToken.None);

        var events = await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 10, CancellationToken.None);
        var responses = await store.Analytics.RunsAfterAsync(RunFeed.Responses, 0, 10, CancellationToken.None);
        var rest = await store.Analytics.RunsAfterAsync(RunFeed.Events, events[0].Id, 10, CancellationToken.None);

        Assert.Equal([100.0, 101, 102], events.Select(e => e.Run.TotalMs));
        Assert.Equal([new PhaseTiming("Build", 50)], events[0].Run.Phases);
        Assert.True(events.Select(e => e.Id).SequenceEqual(events.Select(e => e.Id).Order()));
        Assert.Equal(2, rest.Count);
        var response = Assert.Single(responses).Run;
        Assert.Equal(("voice", false, false), (response.Source, response.WithinBudget, response.Failed));
        Assert.Equal(new Dictionary<RunFeed, long> { [RunFeed.Responses] = 0, [RunFeed.Events] = 0 }, await store.Analytics.WatermarksAsync(CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task SaveRollup_TwoInstancesFoldTheSameRuns_ExactlyOneWins(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IAnalyticsStore>();
        await SaveEventsAsync(store.Analytics, "ci", 5);
        var runs = await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 10, CancellationToken.None);
        var digests = Fold(runs);

        var saved = await Task.WhenAll(
            store.Analytics.SaveRollupAsync(digests, RunFeed.Events, 0, runs[^1].Id, CancellationToken.None),
            other.SaveRollupAsync(Fold(runs), RunFeed.Events, 0, runs[^1].Id, CancellationToken.None));

        Assert.Equal(1, saved.Count(won => won));
        Assert.Equal(runs[^1].Id, (await other.WatermarksAsync(CancellationToken.None))[RunFeed.Events]);
        var snapshot = await ReadHourAsync(store.Analytics, exact: null);
        var total = Assert.Single(snapshot.Digests, d => d.Key.Size == BucketSize.Hour && d.Key.Phase == DigestKey.Total);
        Assert.Equal(5, total.Count);
        Assert.Empty(snapshot.Runs);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task SaveRollup_FoldsByTwoInstances_MergeIntoOneDigest(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IAnalyticsStore>();
        await SaveEventsAsync(store.Analytics, "ci", 4);
        var runs = await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 10, CancellationToken.None);

        Assert.True(await store.Analytics.SaveRollupAsync(Fold(runs.Take(2)), RunFeed.Events, 0, runs[1].Id, CancellationToken.None));
        Assert.True(await other.SaveRollupAsync(Fold(runs.Skip(2)), RunFeed.Events, runs[1].Id, runs[3].Id, CancellationToken.None));

        var total = Assert.Single((await ReadHourAsync(store.Analytics, exact: null)).Digests, d => d.Key.Size == BucketSize.Hour && d.Key.Phase == DigestKey.Total);
        Assert.Equal((4L, 100.0, 103.0, 101.5), (total.Count, total.Min, total.Max, total.Mean));
        Assert.NotNull(total.Histogram);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ReadAsync_DigestsPlusTheRunsNotFoldedYet(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await SaveEventsAsync(store.Analytics, "ci", 3);
        var runs = await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 2, CancellationToken.None);
        await store.Analytics.SaveRollupAsync(Fold(runs), RunFeed.Events, 0, runs[^1].Id, CancellationToken.None);
        await SaveEventsAsync(store.Analytics, "etl", 1);

        var all = await ReadHourAsync(store.Analytics, exact: null);
        var etl = await ReadHourAsync(store.Analytics, exact: null, source: "etl");
        var exact = await ReadHourAsync(store.Analytics, exact: 10);

        Assert.False(all.Exact);
        Assert.Equal(2, all.Digests.Single(d => d.Key.Size == BucketSize.Hour && d.Key.Phase == DigestKey.Total).Count);
        Assert.Equal([102.0, 100], all.Runs.Select(r => r.TotalMs).Order().Reverse());
        Assert.Equal(["etl"], etl.Runs.Select(r => r.Source));
        Assert.Empty(etl.Digests);
        Assert.True(exact.Exact);
        Assert.Equal(4, exact.Runs.Count);
        Assert.Empty(exact.Digests);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ReadAsync_ExactChoice_BoundedByTheLimitAndTheFilter(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await SaveEventsAsync(store.Analytics, "ci", 11);
        await SaveEventsAsync(store.Analytics, "etl", 3);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 1, 300, Start, channel: "voice")), CancellationToken.None);

        Assert.False((await ReadHourAsync(store.Analytics, exact: 10)).Exact);
        var etl = await ReadHourAsync(store.Analytics, exact: 10, source: "etl");
        Assert.True(etl.Exact);
        Assert.Equal(3, etl.Runs.Count);
        var voice = await ReadHourAsync(store.Analytics, exact: 10, source: "voice");
        Assert.Equal(("voice", 300.0), (Assert.Single(voice.Runs).Source, voice.Runs[0].TotalMs));
        Assert.Empty((await ReadHourAsync(store.Analytics, exact: 10, source: "interview")).Runs);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ReadAsync_ExactChoice_AFilterMatchingFewOfABusyWindow_StopsScanningAndUsesDigests(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await SaveEventsAsync(store.Analytics, "ci", 30);
        await SaveEventsAsync(store.Analytics, "etl", 3);
        Assert.True((await ReadHourAsync(store.Analytics, exact: 10, source: "etl")).Exact);

        // 41 other runs is past the scan limit of 4 × 10 + 1 rows: the three matching runs are not counted row by row.
        await SaveEventsAsync(store.Analytics, "ci", 11);

        Assert.False((await ReadHourAsync(store.Analytics, exact: 10, source: "etl")).Exact);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task DeleteExpired_OnlyFoldedRawRowsAndOldDigests(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await SaveEventsAsync(store.Analytics, "ci", 4);
        var runs = await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 2, CancellationToken.None);
        await store.Analytics.SaveRollupAsync(Fold(runs), RunFeed.Events, 0, runs[^1].Id, CancellationToken.None);

        // Two raw rows folded (and old), two not folded; the digests' hour and day both start before the cut.
        var deleted = await store.Analytics.DeleteExpiredAsync(Start.AddDays(1), Start.AddDays(2), 100, CancellationToken.None);

        Assert.Equal(2 + 4, deleted);
        Assert.Equal(2, (await store.Analytics.RunsAfterAsync(RunFeed.Events, 0, 10, CancellationToken.None)).Count);
    }

    private static Task SaveEventsAsync(IAnalyticsStore store, string source, int count) => store.SaveEventsAsync(
        [.. Enumerable.Range(0, count).Select(i => new IngestedEvent(
            new RunSample(source, "PRACTICE", Start.AddSeconds(i), 100 + i, [new PhaseTiming("Build", 50)], true, false), $"run-{i}", "{\"branch\":\"main\"}", 1000))],
        CancellationToken.None);

    private static Dictionary<DigestKey, LatencyDigest> Fold(IEnumerable<FeedRun> runs)
    {
        var aggregator = new RollupAggregator();
        foreach (var run in runs) aggregator.Add(run.Run);
        return new Dictionary<DigestKey, LatencyDigest>(aggregator.Digests);
    }

    private static Task<AnalyticsSnapshot> ReadHourAsync(IAnalyticsStore store, long? exact, string? source = null) => store.ReadAsync(
        new AnalyticsRead(Start, Start.AddHours(1), [new DigestRange(BucketSize.Hour, Start, Start.AddHours(1))], RunFilter.Of(source, null), DigestDetail.Full,
            exact is { } limit ? new ExactRead(Start, Start.AddHours(1), limit) : null),
        CancellationToken.None);
}

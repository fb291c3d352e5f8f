using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Promptly.Analytics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>The rollup folds each raw run into digests once, and retention deletes raw rows only once they are folded.</summary>
public sealed class LatencyRollupTests
{
    private static string Answer(int i) => $"Answer {i}: I like it because it is good for me and for my whole family.";

    [Fact]
    public async Task CatchUpAsync_Twice_DoesNotDoubleCount()
    {
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow);
        var traffic = Traffic.Generate(anchor, 300, seed: 50);
        var settings = AnalyticsApi.Settings(("ExactRunLimit", 0));
        var server = new AnalyticsServer(settings);
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            await client.IngestAsync(traffic.Events);

            Assert.Equal(300, await rollup.CatchUpAsync(CancellationToken.None));
            var once = await client.AnalyticsAsync("summary?days=7");
            Assert.Equal(0, await rollup.CatchUpAsync(CancellationToken.None));
            var twice = await client.AnalyticsAsync("summary?days=7");

            Assert.False(twice.Exact());
            Assert.Equal(300, twice["total_count"].Long());
            Assert.Equal(once.ToJsonString(), twice.ToJsonString());
        }
        finally
        {
            await server.StopAsync();
        }

        // The watermark is stored: a restarted server folds nothing again.
        await using var restarted = server.Restart(settings);
        var again = restarted.Rollup;
        Assert.Equal(0, await again.CatchUpAsync(CancellationToken.None));
        Assert.Equal(300, await restarted.CreateClient().CountAsync("days=7"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task RunRoundAsync_TwoInstancesOnOneDatabase_OneRunsUntilItsLeaseRunsOut(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new AnalyticsOptions());
        var first = new LatencyRollup(store.Analytics, options, time, NullLogger<LatencyRollup>.Instance);
        var second = new LatencyRollup(store.OpenAnother<IAnalyticsStore>(), options, time, NullLogger<LatencyRollup>.Instance);
        var almost = first.LeaseTime - TimeSpan.FromSeconds(1);

        Assert.True(await first.RunRoundAsync(CancellationToken.None));
        Assert.False(await second.RunRoundAsync(CancellationToken.None));
        time.Advance(almost);
        Assert.True(await first.RunRoundAsync(CancellationToken.None));   // renewed from now
        time.Advance(almost);
        Assert.False(await second.RunRoundAsync(CancellationToken.None));

        // The first stops running rounds: once its lease has run out the second takes over, and keeps it.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await second.RunRoundAsync(CancellationToken.None));
        Assert.False(await first.RunRoundAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CatchUpAsync_InterviewTurns_ShowUnderInterviewSourceWithTypeAndPhases()
    {
        await using var server = new AnalyticsServer(AnalyticsApi.Settings(("ExactRunLimit", 0)));
        var rollup = server.Rollup;
        var client = server.CreateClient();
        var practice = (await client.StartAsync(type: "PRACTICE")).Id();
        for (var i = 0; i < 3; i++) await client.TurnAsync(practice, Answer(i));
        var invited = (await client.StartAsync(type: "INVITED")).Id();
        await client.TurnAsync(invited, Answer(9));
        var sessionLatency = await client.GetJsonAsync($"/sessions/{practice}/latency");

        Assert.Equal(6, await rollup.CatchUpAsync(CancellationToken.None));

        var summary = await client.AnalyticsAsync("summary?days=1&source=interview");
        Assert.False(summary.Exact());
        Assert.Equal(6, summary["total_count"].Long());
        Assert.Equal(6, summary["within_budget"].Long());
        Assert.Equal(4, await client.CountAsync("days=1&source=interview&interview_type=PRACTICE"));
        Assert.Equal(2, await client.CountAsync("days=1&source=interview&interview_type=invited"));
        Assert.Equal(0, await client.CountAsync("days=1&source=ci"));
        Assert.Equal(sessionLatency["max"].Number(), (await client.AnalyticsAsync("summary?days=1&source=interview&interview_type=PRACTICE"))["max_ms"].Number(), 3);

        var phases = (await client.AnalyticsAsync("by-phase?days=1&source=interview"))["phases"]!.AsArray().ToDictionary(p => p!["phase"].Text());
        Assert.Superset(new HashSet<string> { "load", "extract", "ai", "persist" }, phases.Keys.ToHashSet());
        Assert.Equal(6, phases["persist"]!["sample_count"].Long());
        Assert.Equal(6, phases["ai"]!["sample_count"].Long());
        Assert.Equal(4, phases["extract"]!["sample_count"].Long());   // the greetings extract nothing
    }

    [Fact]
    public async Task CleanUpAsync_RawRowsPastRetention_DeletedOnlyOnceRolledUpAndStillCounted()
    {
        await using var server = new AnalyticsServer(AnalyticsApi.Settings(("RawRetentionDays", 1)));
        var rollup = server.Rollup;
        var store = server.Services.GetRequiredService<IAnalyticsStore>();
        var client = server.CreateClient();
        var old = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow).AddDays(-3);
        await client.IngestAsync(Enumerable.Range(0, 200).Select(i => AnalyticsApi.Event("retained", old.AddSeconds(i), totalMs: 100 + i)));
        await client.IngestAsync(Enumerable.Range(0, 50).Select(i => AnalyticsApi.Event("retained", DateTimeOffset.UtcNow.AddMinutes(-1), totalMs: 1000 + i)));
        var oldWindow = $"from={AnalyticsApi.Query(old.AddHours(-1))}&to={AnalyticsApi.Query(old.AddHours(1))}";

        // Not folded yet: nothing may go, however old.
        Assert.Equal(0, await server.Rollup.CleanUpAsync(CancellationToken.None));
        Assert.Equal(250, (await store.RunsAfterAsync(RunFeed.Events, 0, 10_000, CancellationToken.None)).Count);
        Assert.Equal(250, await client.CountAsync("days=7"));

        Assert.Equal(250, await rollup.CatchUpAsync(CancellationToken.None));
        Assert.Equal(200, await rollup.CleanUpAsync(CancellationToken.None));

        var left = await store.RunsAfterAsync(RunFeed.Events, 0, 10_000, CancellationToken.None);
        Assert.Equal(50, left.Count);
        Assert.All(left, r => Assert.True(r.Run.TotalMs >= 1000));
        var week = await client.AnalyticsAsync("summary?days=7&source=retained");
        Assert.False(week.Exact());
        Assert.Equal(250, week["total_count"].Long());
        Assert.Equal(100, week["min_ms"].Number());
        Assert.Equal(1049, week["max_ms"].Number());
        Assert.Equal(200, await client.CountAsync(oldWindow));
        Assert.Equal(0, await rollup.CleanUpAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CleanUpAsync_DigestsPastRetention_Deleted()
    {
        var server = new AnalyticsServer(AnalyticsApi.Settings());
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow);
        DigestRange[] tenDaysAgo = [new(BucketSize.Day, anchor.AddDays(-12), anchor.AddDays(-8)), new(BucketSize.Hour, anchor.AddDays(-12), anchor.AddDays(-8))];
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            await client.IngestAsync(Enumerable.Range(0, 100).Select(i => AnalyticsApi.Event("aged", anchor.AddDays(-10).AddSeconds(i), totalMs: 10 + i)));
            await client.IngestAsync(Enumerable.Range(0, 100).Select(i => AnalyticsApi.Event("aged", anchor.AddDays(-2).AddSeconds(i), totalMs: 500 + i)));
            Assert.Equal(200, await rollup.CatchUpAsync(CancellationToken.None));
            Assert.Equal(200, await client.CountAsync("days=30"));
            // The day's digest and the hour's each hold the 100 old runs.
            Assert.Equal(200, await DigestRunsAsync(server.Services.GetRequiredService<IAnalyticsStore>(), tenDaysAgo));
        }
        finally
        {
            await server.StopAsync();
        }

        // Digests kept 5 days, raw rows 1: the 10-day-old runs are gone entirely, the 2-day-old ones live on in digests.
        await using var shorter = server.Restart(AnalyticsApi.Settings(("DigestRetentionDays", 5), ("RawRetentionDays", 1)));
        var cleanup = shorter.Rollup;
        await cleanup.CleanUpAsync(CancellationToken.None);
        var store = shorter.Services.GetRequiredService<IAnalyticsStore>();

        Assert.Equal(0, await DigestRunsAsync(store, tenDaysAgo));
        Assert.Equal(100, await DigestRunsAsync(store, [new DigestRange(BucketSize.Hour, anchor.AddDays(-3), anchor)]));
        Assert.Empty(await store.RunsAfterAsync(RunFeed.Events, 0, 10_000, CancellationToken.None));
        var month = await shorter.CreateClient().AnalyticsAsync("summary?days=30&source=aged");
        Assert.Equal(100, month["total_count"].Long());
        Assert.Equal(500, month["min_ms"].Number());
    }

    // The runs the stored digests of the ranges hold (whole runs only, not their phases).
    private static async Task<long> DigestRunsAsync(IAnalyticsStore store, IReadOnlyList<DigestRange> ranges)
    {
        var read = new AnalyticsRead(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, ranges, new RunFilter(null, null), DigestDetail.Totals, Exact: null);
        var snapshot = await store.ReadAsync(read, CancellationToken.None);
        return snapshot.Digests.Where(d => d.Key.Phase == DigestKey.Total).Sum(d => d.Count);
    }
}

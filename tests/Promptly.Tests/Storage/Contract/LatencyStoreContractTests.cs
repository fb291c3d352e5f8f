using Promptly.Alerts;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Latency;
using Promptly.Telemetry;
using Promptly.Tests.Support;
using static Promptly.Tests.Storage.Contract.StoreRows;

namespace Promptly.Tests.Storage.Contract;

/// <summary>Latency records, the error log, budget overrides, request metrics and the alerts' counts, on each store.</summary>
public sealed class LatencyStoreContractTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Slowest_InAWindow_SlowestFirstUpToTheLimit(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        double[] times = [300, 900, 100, 700];
        for (var i = 0; i < times.Length; i++) await store.Latency.SaveLatencyAsync(Entry(Record("s1", i, times[i], Start.AddMinutes(i))), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 9, 5000, Start.AddHours(2))), CancellationToken.None);

        var slowest = await store.Latency.SlowestAsync(Start, Start.AddHours(1), 3, CancellationToken.None);

        Assert.Equal([900.0, 700, 300], slowest.Select(r => r.ResponseTimeMs));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Errors_ByTypeAndWindow_NewestFirst(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 1, 4000, Start)), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 2, 5000, Start.AddMinutes(1))), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 3, 200, Start.AddMinutes(2))), CancellationToken.None);

        var all = await store.Errors.ErrorsAsync(null, Start, Start.AddHours(1), 10, CancellationToken.None);
        var typed = await store.Errors.ErrorsAsync(ErrorLogEntry.LatencyViolationType, Start, Start.AddMinutes(1), 10, CancellationToken.None);
        var other = await store.Errors.ErrorsAsync("other", Start, Start.AddHours(1), 10, CancellationToken.None);

        Assert.Equal([2, 1], all.Select(e => e.QuestionNumber!.Value));
        Assert.Equal([1], typed.Select(e => e.QuestionNumber!.Value));
        Assert.Empty(other);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BudgetOverrides_SetReplaceClear_ReadCaseInsensitively(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await store.Latency.SaveBudgetOverrideAsync("PRACTICE", new BudgetOverride { ThresholdMs = 800 }, CancellationToken.None);
        await store.Latency.SaveBudgetOverrideAsync("PRACTICE", new BudgetOverride { ThresholdMs = 900, SevereMs = 2000 }, CancellationToken.None);
        await store.Latency.SaveBudgetOverrideAsync("INVITED", new BudgetOverride { SevereMs = 5000 }, CancellationToken.None);
        await store.Latency.SaveBudgetOverrideAsync("INVITED", null, CancellationToken.None);

        var overrides = await store.Latency.BudgetOverridesAsync(CancellationToken.None);

        var practice = Assert.Single(overrides).Value;
        Assert.Equal((900.0, 2000.0), (practice.ThresholdMs, practice.SevereMs));
        Assert.True(overrides.ContainsKey("practice"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task RequestMetrics_SameBucketSavedByTwoInstances_Merged(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IRequestMetricsStore>();

        await store.RequestMetrics.SaveRequestMetricsAsync([Bucket(Start, 10, 20)], CancellationToken.None);
        await other.SaveRequestMetricsAsync([Bucket(Start, 30), Bucket(Start.AddMinutes(1), 40)], CancellationToken.None);

        var buckets = await store.RequestMetrics.RequestMetricsAsync(Start, Start.AddMinutes(1), CancellationToken.None);
        var bucket = Assert.Single(buckets);
        Assert.Equal((Start, "POST", "/sessions/{id}/turns", 200, 3L), (bucket.Start, bucket.Method, bucket.Route, bucket.StatusCode, bucket.Histogram.TotalCount));
    }

    /// <summary>
    /// The merge reads the stored histogram and writes the sum: two instances doing so at once for a bucket not stored
    /// yet must take turns (the writers' order lock on PostgreSQL, the write lock on SQLite), or one side is lost.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RequestMetrics_NewBucketsSavedByTwoInstancesAtOnce_KeepBothSides(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        var other = store.OpenAnother<IRequestMetricsStore>();
        const int Minutes = 30;

        async Task SaveEachMinuteAsync(IRequestMetricsStore to, params double[] durations)
        {
            for (var m = 0; m < Minutes; m++) await to.SaveRequestMetricsAsync([Bucket(Start.AddMinutes(m), durations)], CancellationToken.None);
        }

        await Task.WhenAll(Task.Run(() => SaveEachMinuteAsync(store.RequestMetrics, 10, 20)), Task.Run(() => SaveEachMinuteAsync(other, 30)));

        var buckets = await store.RequestMetrics.RequestMetricsAsync(Start, Start.AddMinutes(Minutes), CancellationToken.None);
        Assert.Equal(Minutes, buckets.Count);
        Assert.All(buckets, b => Assert.Equal(3L, b.Histogram.TotalCount));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task CountResponses_PerTypeAndWindow_CountsWithinBudget(string kind)
    {
        await using var store = await StoreUnderTest.OpenAsync(kind);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 1, 100, Start.AddMinutes(-50))), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 2, 1500, Start.AddMinutes(-5))), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 3, 100, Start.AddMinutes(-1), failed: true)), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s2", 1, 100, Start.AddMinutes(-1), type: "INVITED")), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s3", 1, 100, Start.AddMinutes(-1), type: "OTHER")), CancellationToken.None);
        await store.Latency.SaveLatencyAsync(Entry(Record("s1", 4, 100, Start.AddMinutes(1))), CancellationToken.None);

        var counts = await store.Alerts.CountResponsesAsync(["PRACTICE", "INVITED", "NONE"], [Start.AddHours(-1), Start.AddMinutes(-10)], Start, CancellationToken.None);

        Assert.Equal(["INVITED", "PRACTICE"], counts.Keys.Order());
        Assert.Equal([new ResponseCounts(3, 1), new ResponseCounts(2, 0)], counts["PRACTICE"]);
        Assert.Equal([new ResponseCounts(1, 1), new ResponseCounts(1, 1)], counts["INVITED"]);
    }

    private static RequestMetricBucket Bucket(DateTimeOffset start, params double[] ms)
    {
        var histogram = LatencyHistograms.Create();
        foreach (var value in ms) LatencyHistograms.RecordMs(histogram, value);
        return new RequestMetricBucket(start, "POST", "/sessions/{id}/turns", 200, histogram);
    }
}

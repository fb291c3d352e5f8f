using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Promptly.Tests.Analytics;

/// <summary>
/// Trends, bottlenecks and recommendations over synthetic runs whose answer is known, read both exactly and from
/// digests (the same data folder, <c>Analytics:ExactRunLimit=0</c> after a rollup).
/// </summary>
public sealed partial class AnalysesApiTests
{
    private static readonly Dictionary<string, string?> DigestSettings = AnalyticsApi.Settings(("ExactRunLimit", 0));

    [Fact]
    public async Task Trends_DayWithTwiceTheP95_FlaggedAloneAndQuietDayNever()
    {
        var today = AnalyticsApi.DayFloor(DateTimeOffset.UtcNow);
        var events = new List<object>();
        for (var daysAgo = 9; daysAgo >= 1; daysAgo--)
        {
            var noon = today.AddDays(-daysAgo).AddHours(12);
            if (daysAgo == 4)
            {
                // A quiet day (10 runs), ten times slower: too few runs to flag, and not part of any baseline.
                events.AddRange(Enumerable.Range(0, 10).Select(i => AnalyticsApi.Event("nightly", noon.AddMinutes(i), totalMs: 10_000 + i)));
                continue;
            }

            // 40 runs spread evenly over 500..1000 ms (p95 975 ms); two days ago twice as slow (p95 1950 ms).
            var factor = daysAgo == 2 ? 2 : 1;
            events.AddRange(Enumerable.Range(0, 40).Select(i => AnalyticsApi.Event("nightly", noon.AddMinutes(i), totalMs: factor * (500 + 500.0 * i / 39))));
        }

        foreach (var report in await BothPathsAsync(events, "trends?days=10&source=nightly"))
        {
            var points = report["points"]!.AsArray();
            Assert.Equal(10, points.Count);
            var regressions = report["regressions"]!.AsArray();
            var flagged = Assert.Single(regressions)!;
            Assert.Equal(today.AddDays(-2), flagged["start"].Time());
            Assert.Equal(40, flagged["count"].Long());
            Assert.Equal(1950, flagged["p95_ms"].Number(), 1950 * 0.01);
            Assert.Equal(975, flagged["baseline_p95_ms"].Number(), 975 * 0.01);
            Assert.Equal(1.25, report["regression_factor"].Number());

            var quiet = points.Single(p => p!["count"].Long() == 10)!;
            Assert.False(quiet["regression"]!.GetValue<bool>());
            Assert.True(quiet["p95_ms"].Number() > 10_000);
            Assert.Single(points, p => p!["regression"]!.GetValue<bool>());

            // The day after the regression compares with a baseline the one slow day cannot move.
            var flaggedAt = points.Select(p => p!["start"].Text()).ToList().IndexOf(flagged["start"].Text());
            var after = points[flaggedAt + 1]!;
            Assert.Equal(975, after["baseline_p95_ms"].Number(), 975 * 0.01);
        }
    }

    [Fact]
    public async Task Bottlenecks_PhaseOverThreshold_ListedWithPercentOverAndAffectedCount()
    {
        // 100 runs: Build 500 ms in 80 of them and 3000 ms in 20; Lint always 100 ms; totals 600 or 3100 ms.
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var events = Enumerable.Range(0, 100).Select(i => (object)AnalyticsApi.Event("builds", at.AddSeconds(i),
            phases: new Dictionary<string, double> { ["Build"] = i % 5 == 0 ? 3000 : 500, ["Lint"] = 100 })).ToList();

        foreach (var report in await BothPathsAsync(events, "bottlenecks?days=2&source=builds&threshold_ms=1000"))
        {
            Assert.Equal(1000, report["threshold_ms"].Number());
            var build = Assert.Single(report["bottlenecks"]!.AsArray())!;
            Assert.Equal("Build", build["phase"].Text());
            Assert.Equal(3000, build["p95_ms"].Number(), 3000 * 0.01);
            Assert.Equal(200, build["percent_over_threshold"].Number(), 200 * 0.03);
            Assert.Equal(20, build["affected_count"].Long());
            Assert.Equal(0.2, build["affected_share"].Number());
            // Capping Build at 1000 ms saves 20 × 2000 ms over 100 runs: 400 ms of an average 1100 ms.
            Assert.Equal(36.4, build["estimated_speedup_percent"].Number(), 0.5);
            Assert.Contains($"p95 {Ms(build["p95_ms"].Number())}", build["recommendation"].Text());
            Assert.Contains("deadline near 1000 ms", build["recommendation"].Text());
            Assert.Contains("20%", build["recommendation"].Text());
        }

        // Without threshold_ms the threshold is half the budget (2000 ms / 2): the same answer.
        await using var server = new AnalyticsServer();
        var client = server.CreateClient();
        await client.IngestAsync(events);
        var byDefault = await client.AnalyticsAsync("bottlenecks?days=2&source=builds");
        Assert.Equal(1000, byDefault["threshold_ms"].Number());
        Assert.Equal("Build", Assert.Single(byDefault["bottlenecks"]!.AsArray())!["phase"].Text());
        Assert.Empty((await client.AnalyticsAsync("bottlenecks?days=2&source=builds&threshold_ms=3000"))["bottlenecks"]!.AsArray());
    }

    [Fact]
    public async Task Recommendations_SourceOverItsTarget_ActionsQuoteMeasuredFigures()
    {
        // "slowpipe": 90 runs of 1000 ms and 10 of 5000 ms, so p50 1000, p95 5000 and a target of 1.5 × p50 = 1500 ms.
        // "steady": every run 800 ms (Fetch 300, Compute 500): at its target already.
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var events = new List<object>();
        events.AddRange(Enumerable.Range(0, 100).Select(i =>
        {
            var total = i % 10 == 0 ? 5000.0 : 1000.0;
            return AnalyticsApi.Event("slowpipe", at.AddSeconds(i), totalMs: total, phases: new Dictionary<string, double> { ["Fetch"] = total * 0.3, ["Compute"] = total * 0.7 });
        }));
        events.AddRange(Enumerable.Range(0, 100).Select(i =>
            AnalyticsApi.Event("steady", at.AddSeconds(i), totalMs: 800, phases: new Dictionary<string, double> { ["Fetch"] = 300, ["Compute"] = 500 })));

        foreach (var report in await BothPathsAsync(events, "recommendations?days=2"))
        {
            var recommendations = report["recommendations"]!.AsArray().Select(r => r!).ToList();
            Assert.NotEmpty(recommendations);
            Assert.All(recommendations, r => Assert.Equal("slowpipe", r["source"].Text()));

            var source = recommendations.Single(r => r["kind"].Text() == "source");
            Assert.Equal(5000, source["current_p95_ms"].Number(), 5000 * 0.01);
            Assert.Equal(1500, source["target_p95_ms"].Number(), 1500 * 0.01);
            Assert.Equal(70, source["improvement_percent"].Number(), 1);
            var actions = source["actions"]!.AsArray().Select(a => a.Text()).ToList();
            Assert.Contains(actions, a => a.Contains("10 runs (10%)", StringComparison.Ordinal) && a.Contains(Ms(source["target_p95_ms"].Number()), StringComparison.Ordinal));
            Assert.Contains(actions, a => a.Contains("'Compute'", StringComparison.Ordinal) && a.Contains("70%", StringComparison.Ordinal));

            Assert.Equal(["Compute", "Fetch"], recommendations.Where(r => r["kind"].Text() == "phase").Select(r => r["phase"].Text()).Order());
            foreach (var r in recommendations)
            {
                var texts = r["actions"]!.AsArray().Select(a => a.Text()).ToList();
                Assert.NotEmpty(texts);
                Assert.All(texts, t => Assert.Matches(Figure(), t));
                Assert.Contains(texts, t => t.Contains(Ms(r["target_p95_ms"].Number()), StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Recommendations_PhasesAllZero_NamesNoPhaseShare()
    {
        // The same slow tail as above, but every phase reported as 0 ms: no phase has a share of the time to name.
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var events = Enumerable.Range(0, 100).Select(i => (object)AnalyticsApi.Event(
            "slowpipe", at.AddSeconds(i), totalMs: i % 10 == 0 ? 5000.0 : 1000.0, phases: new Dictionary<string, double> { ["Fetch"] = 0, ["Compute"] = 0 })).ToList();

        foreach (var report in await BothPathsAsync(events, "recommendations?days=2&source=slowpipe"))
        {
            var source = Assert.Single(report["recommendations"]!.AsArray(), r => r!["kind"].Text() == "source")!;
            var actions = source["actions"]!.AsArray().Select(a => a.Text()).ToList();
            Assert.Contains(actions, a => a.Contains("10 runs (10%)", StringComparison.Ordinal));
            Assert.DoesNotContain(actions, a => a.Contains("NaN", StringComparison.Ordinal) || a.StartsWith("Start with", StringComparison.Ordinal));
        }
    }

    /// <summary>Ingests <paramref name="events"/>, then answers <paramref name="query"/> exactly and from digests.</summary>
    private static async Task<JsonObject[]> BothPathsAsync(List<object> events, string query)
    {
        JsonObject exact;
        var server = new AnalyticsServer();
        try
        {
            var client = server.CreateClient();
            await client.IngestAsync(events);
            exact = await client.AnalyticsAsync(query);
            Assert.True(exact.Exact());
        }
        finally
        {
            await server.StopAsync();
        }

        await using var digests = server.Restart(DigestSettings);
        await digests.Rollup.CatchUpAsync(CancellationToken.None);
        var merged = await digests.CreateClient().AnalyticsAsync(query);
        Assert.False(merged.Exact());
        return [exact, merged];
    }

    // As the analyses write durations: whole ms from 100 ms on.
    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) + " ms";

    [GeneratedRegex(@"\d")]
    private static partial Regex Figure();
}

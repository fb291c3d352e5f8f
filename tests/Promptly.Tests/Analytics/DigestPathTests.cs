using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>
/// The same stored runs answered twice: from digests (<c>Analytics:ExactRunLimit=0</c>, after a rollup) and from raw
/// rows (a limit above the run count, on the same data folder). Counts, min, max and compliance must agree exactly,
/// percentiles within 1%. Windows are whole hours, so the digest path's widening to hours changes nothing.
/// </summary>
public sealed class DigestPathTests
{
    private const double Percent = 0.01;
    private const double Bucket = 0.004;
    private static readonly Dictionary<string, string?> DigestSettings = AnalyticsApi.Settings(("ExactRunLimit", 0));
    private static readonly Dictionary<string, string?> ExactSettings = AnalyticsApi.Settings(("ExactRunLimit", 1_000_000));

    [Fact]
    public async Task EveryEndpoint_DigestPathAfterRollup_AgreesWithExactPath()
    {
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow);
        var traffic = Traffic.Generate(anchor, 3000, seed: 40);
        var (from, to) = (anchor.AddDays(-4).AddHours(-5), anchor.AddHours(-3));
        var (shortFrom, shortTo) = (anchor.AddHours(-30), anchor.AddHours(-20));
        string[] queries =
        [
            "summary?days=7",
            "summary?days=7&source=ci",
            "summary?days=7&interview_type=PRACTICE",
            $"summary?from={AnalyticsApi.Query(from)}&to={AnalyticsApi.Query(to)}",
            $"summary?from={AnalyticsApi.Query(shortFrom)}&to={AnalyticsApi.Query(shortTo)}&source=web&interview_type=INVITED",
            "by-phase?days=7",
            "by-phase?days=7&source=etl",
            $"by-phase?from={AnalyticsApi.Query(from)}&to={AnalyticsApi.Query(to)}",
            "bottlenecks?days=7&threshold_ms=500",
            $"bottlenecks?from={AnalyticsApi.Query(from)}&to={AnalyticsApi.Query(to)}&source=ci&threshold_ms=400",
            "trends?days=7",
            "trends?days=7&source=web",
            $"trends?from={AnalyticsApi.Query(from)}&to={AnalyticsApi.Query(to)}&interval=hour",
            "recommendations?days=7",
        ];

        var digestAnswers = new Dictionary<string, JsonObject>();
        var server = new AnalyticsServer(DigestSettings);
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            await client.IngestAsync(traffic.Events);
            Assert.Equal(traffic.Events.Count, await rollup.CatchUpAsync(CancellationToken.None));
            foreach (var query in queries) digestAnswers[query] = await client.AnalyticsAsync(query);
        }
        finally
        {
            await server.StopAsync();
        }

        await using var exact = server.Restart(ExactSettings);
        var exactClient = exact.CreateClient();
        foreach (var query in queries)
        {
            var expected = await exactClient.AnalyticsAsync(query);
            var actual = digestAnswers[query];
            Assert.True(expected.Exact(), query);
            Assert.False(actual.Exact(), query);
            Assert.Equal(expected["scope"]!["from"].Text(), actual["scope"]!["from"].Text());
            Assert.Equal(expected["scope"]!["to"].Text(), actual["scope"]!["to"].Text());
            AssertAgree(query, expected, actual, traffic);
        }

        // The windows were not empty: the comparison compared something.
        Assert.Equal(traffic.Events.Count, digestAnswers["summary?days=7"]["total_count"].Long());
    }

    [Fact]
    public async Task Summary_DigestPathWithRunsNotRolledUpYet_IncludesThemFromRawTail()
    {
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow);
        var first = Traffic.Generate(anchor, 1500, seed: 41);
        var late = Traffic.Generate(anchor, 700, seed: 42, lateSource: true);
        string[] queries = ["summary?days=7", "summary?days=7&source=late", "by-phase?days=7", "by-phase?days=7&source=late", "trends?days=7"];

        var beforeRollup = new Dictionary<string, JsonObject>();
        var server = new AnalyticsServer(DigestSettings);
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            await client.IngestAsync(first.Events);
            await rollup.CatchUpAsync(CancellationToken.None);
            await client.IngestAsync(late.Events);

            foreach (var query in queries) beforeRollup[query] = await client.AnalyticsAsync(query);
            // Windows whose digests hold runs go the digest path; one of "late" runs only has no digest yet, so
            // its digest count (0) is within the limit and it is read exactly: all raw either way.
            Assert.All(queries.Where(q => !q.Contains("source=late", StringComparison.Ordinal)), q => Assert.False(beforeRollup[q].Exact(), q));
            Assert.Equal(first.Events.Count + late.Events.Count, beforeRollup["summary?days=7"]["total_count"].Long());
            Assert.Equal(late.Events.Count, beforeRollup["summary?days=7&source=late"]["total_count"].Long());
            var deploy = beforeRollup["by-phase?days=7"]["phases"]!.AsArray().Single(p => p!["phase"].Text() == "Deploy")!;
            Assert.Equal(late.Events.Count, deploy["sample_count"].Long());

            // Folding the tail in changes nothing: the same runs, the same buckets, nothing counted twice.
            Assert.Equal(late.Events.Count, await rollup.CatchUpAsync(CancellationToken.None));
            foreach (var query in queries)
            {
                var after = await client.AnalyticsAsync(query);
                AssertAgree(query, beforeRollup[query], after, late);
            }
        }
        finally
        {
            await server.StopAsync();
        }

        await using var exact = server.Restart(ExactSettings);
        var exactClient = exact.CreateClient();
        foreach (var query in queries) AssertAgree(query, await exactClient.AnalyticsAsync(query), beforeRollup[query], late);
    }

    [Fact]
    public async Task Summary_FewMinutesOfABusyHour_ExactForTheMinutesAskedNotTheWholeHour()
    {
        // 240 runs over an hour, one every 15 s, with an exact-read limit of 50: the hour is answered from digests,
        // five minutes of it (20 runs) from raw rows, for those five minutes only.
        var hour = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow).AddHours(-2);
        await using var server = new AnalyticsServer(AnalyticsApi.Settings(("ExactRunLimit", 50)));
        var client = server.CreateClient();
        await client.IngestAsync(Enumerable.Range(0, 240).Select(i => AnalyticsApi.Event("busy", hour.AddSeconds(15 * i), totalMs: 100 + i)));
        await server.Rollup.CatchUpAsync(CancellationToken.None);

        var whole = await client.AnalyticsAsync($"summary?from={AnalyticsApi.Query(hour)}&to={AnalyticsApi.Query(hour.AddHours(1))}");
        var minutes = await client.AnalyticsAsync($"summary?from={AnalyticsApi.Query(hour.AddMinutes(10))}&to={AnalyticsApi.Query(hour.AddMinutes(15))}");

        Assert.False(whole.Exact());
        Assert.Equal(240, whole["total_count"].Long());
        Assert.True(minutes.Exact());
        Assert.Equal(20, minutes["total_count"].Long());
        Assert.Equal(140, minutes["min_ms"].Number());
        Assert.Equal(159, minutes["max_ms"].Number());
        Assert.Equal(hour.AddMinutes(10), minutes["scope"]!["from"].Time());
    }

    [Fact]
    public async Task Summary_EventsNamedInterviewRefused_DigestAndExactPathsAgree()
    {
        // "interview" is the source of the server's own responses: the exact path reads it from the responses table
        // only, so events under that name would be counted by the digests alone. Ingest refuses the name.
        var server = new AnalyticsServer(DigestSettings);
        JsonObject digestAll, digestInterview;
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            var id = (await client.StartAsync(type: "PRACTICE")).Id();
            await client.TurnAsync(id, "I like it because it is good for me and my family.");
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            var body = JsonSerializer.Serialize(Enumerable.Range(0, 10).Select(i => AnalyticsApi.Event("interview", at, totalMs: 100 + i)));
            using var response = await client.PostAsync(AnalyticsApi.EventsPath, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await rollup.CatchUpAsync(CancellationToken.None);
            digestAll = await client.AnalyticsAsync("summary?days=2");
            digestInterview = await client.AnalyticsAsync("summary?days=2&source=interview");
        }
        finally
        {
            await server.StopAsync();
        }

        await using var exact = server.Restart(ExactSettings);
        var exactClient = exact.CreateClient();
        Assert.Equal((await exactClient.AnalyticsAsync("summary?days=2"))["total_count"].Long(), digestAll["total_count"].Long());
        var exactInterview = (await exactClient.AnalyticsAsync("summary?days=2&source=interview"))["total_count"].Long();
        Assert.True(exactInterview == digestInterview["total_count"].Long(),
            $"source=interview: {digestInterview["total_count"]} runs from digests, {exactInterview} from raw rows");
    }

    [Fact]
    public async Task Summary_RunsOfSeveralMinutesFoldedByManyRollups_DigestPathWithinOnePercentOfExact()
    {
        // CI pipelines take minutes (the README's example run: 412 s). Every rollup re-reads and re-writes the
        // digests of the hour and day it folds into; ten rollups into the same hour must not move the figures.
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow).AddHours(-2);
        var random = new Random(43);
        var server = new AnalyticsServer(DigestSettings);
        JsonObject digest;
        try
        {
            var rollup = server.Rollup;
            var client = server.CreateClient();
            for (var batch = 0; batch < 10; batch++)
            {
                await client.IngestAsync(Enumerable.Range(0, 20).Select(i =>
                    AnalyticsApi.Event("pipeline", anchor.AddMinutes(batch * 5 + i * 0.2), totalMs: 300_000 + 200_000 * random.NextDouble())));
                await rollup.CatchUpAsync(CancellationToken.None);
            }

            digest = await client.AnalyticsAsync("summary?days=2&source=pipeline");
        }
        finally
        {
            await server.StopAsync();
        }

        await using var exact = server.Restart(ExactSettings);
        var expected = await exact.CreateClient().AnalyticsAsync("summary?days=2&source=pipeline");
        Assert.False(digest.Exact());
        Assert.Equal(200, digest["total_count"].Long());
        foreach (var p in new[] { "p50_ms", "p90_ms", "p95_ms", "p99_ms" }) AssertPercent(p, expected[p].Number(), digest[p].Number(), Percent);
    }

    private static void AssertAgree(string query, JsonObject expected, JsonObject actual, Traffic traffic)
    {
        var endpoint = query[..query.IndexOf('?')];
        switch (endpoint)
        {
            case "summary":
                AssertSummary(query, expected, actual);
                break;
            case "by-phase":
                Assert.Equal(expected["total_count"].Long(), actual["total_count"].Long());
                AssertClose(query + " total_average_ms", expected["total_average_ms"].Number(), actual["total_average_ms"].Number());
                var expectedPhases = expected["phases"]!.AsArray().ToDictionary(p => p!["phase"].Text());
                var actualPhases = actual["phases"]!.AsArray().ToDictionary(p => p!["phase"].Text());
                Assert.Equal(expectedPhases.Keys.Order(), actualPhases.Keys.Order());
                foreach (var (name, e) in expectedPhases) AssertPhase($"{query} {name}", e!, actualPhases[name]!);
                break;
            case "bottlenecks":
                AssertBottlenecks(query, expected, actual, traffic);
                break;
            case "trends":
                AssertTrends(query, expected, actual);
                break;
            case "recommendations":
                AssertRecommendations(query, expected, actual);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(query), query, null);
        }
    }

    private static void AssertSummary(string query, JsonNode expected, JsonNode actual)
    {
        foreach (var exactField in new[] { "total_count", "within_budget", "failed" })
        {
            Assert.True(expected[exactField].Long() == actual[exactField].Long(), $"{query} {exactField}: {actual[exactField]} vs {expected[exactField]}");
        }

        Assert.Equal(expected["min_ms"].Number(), actual["min_ms"].Number());
        Assert.Equal(expected["max_ms"].Number(), actual["max_ms"].Number());
        Assert.Equal(expected["compliance_rate"].NumberOrNull(), actual["compliance_rate"].NumberOrNull());
        Assert.Equal(expected["meets_target"]!.GetValue<bool>(), actual["meets_target"]!.GetValue<bool>());
        AssertClose(query + " average_ms", expected["average_ms"].Number(), actual["average_ms"].Number());
        foreach (var p in new[] { "p50_ms", "p90_ms", "p95_ms", "p99_ms" }) AssertPercent($"{query} {p}", expected[p].Number(), actual[p].Number(), Percent);
        Assert.Equal(expected["slowest_phase"]?.GetValue<string>(), actual["slowest_phase"]?.GetValue<string>());
        if (expected["slowest_phase_average_ms"] is { } slowest) AssertClose(query + " slowest_phase_average_ms", slowest.Number(), actual["slowest_phase_average_ms"].Number());
    }

    private static void AssertPhase(string what, JsonNode expected, JsonNode actual)
    {
        Assert.Equal(expected["sample_count"].Long(), actual["sample_count"].Long());
        Assert.Equal(expected["min_ms"].Number(), actual["min_ms"].Number());
        Assert.Equal(expected["max_ms"].Number(), actual["max_ms"].Number());
        AssertClose(what + " average_ms", expected["average_ms"].Number(), actual["average_ms"].Number());
        AssertClose(what + " std_dev_ms", expected["std_dev_ms"].Number(), actual["std_dev_ms"].Number());
        Assert.True(Math.Abs(expected["share_of_total"].Number() - actual["share_of_total"].Number()) <= 0.00011, $"{what} share_of_total");
        foreach (var p in new[] { "p50_ms", "p95_ms", "p99_ms" }) AssertPercent($"{what} {p}", expected[p].Number(), actual[p].Number(), Percent);
    }

    private static void AssertBottlenecks(string query, JsonObject expected, JsonObject actual, Traffic traffic)
    {
        var threshold = expected["threshold_ms"].Number();
        Assert.Equal(threshold, actual["threshold_ms"].Number());
        var expectedList = expected["bottlenecks"]!.AsArray().ToDictionary(b => b!["phase"].Text());
        var actualList = actual["bottlenecks"]!.AsArray().ToDictionary(b => b!["phase"].Text());
        Assert.Equal(expectedList.Keys.Order(), actualList.Keys.Order());
        Assert.NotEmpty(expectedList);
        foreach (var (phase, e) in expectedList)
        {
            var a = actualList[phase]!;
            AssertPercent($"{query} {phase} p95_ms", e!["p95_ms"].Number(), a["p95_ms"].Number(), Percent);
            // A run is miscounted only when the threshold falls inside the bucket of its phase time.
            var nearThreshold = traffic.PhaseValues(phase).Count(v => Math.Abs(v - threshold) <= Bucket * v);
            Assert.InRange(a["affected_count"].Long(), e["affected_count"].Long() - nearThreshold, e["affected_count"].Long() + nearThreshold);
            Assert.True(Math.Abs(e["estimated_speedup_percent"].Number() - a["estimated_speedup_percent"].Number()) <= 0.5, $"{query} {phase} speedup");
        }

        var eo = expected["outliers"]!;
        var ao = actual["outliers"]!;
        AssertClose(query + " outliers mean", eo["mean_ms"].Number(), ao["mean_ms"].Number());
        AssertClose(query + " outliers σ", eo["std_dev_ms"].Number(), ao["std_dev_ms"].Number());
        AssertClose(query + " outliers σ threshold", eo["sigma_threshold_ms"].Number(), ao["sigma_threshold_ms"].Number());
        AssertPercent(query + " outliers median", eo["median_ms"].Number(), ao["median_ms"].Number(), Percent);
        AssertPercent(query + " outliers MAD threshold", eo["mad_threshold_ms"].Number(), ao["mad_threshold_ms"].Number(), Percent);
        var sigmaNear = traffic.Totals.Count(v => Math.Abs(v - eo["sigma_threshold_ms"].Number()) <= Bucket * v);
        Assert.InRange(ao["sigma_count"].Long(), eo["sigma_count"].Long() - sigmaNear, eo["sigma_count"].Long() + sigmaNear);
        var madNear = traffic.Totals.Count(v => Math.Abs(v - eo["mad_threshold_ms"].Number()) <= 2 * Percent * v);
        Assert.InRange(ao["mad_count"].Long(), eo["mad_count"].Long() - madNear, eo["mad_count"].Long() + madNear);
    }

    private static void AssertTrends(string query, JsonObject expected, JsonObject actual)
    {
        var expectedPoints = expected["points"]!.AsArray();
        var actualPoints = actual["points"]!.AsArray();
        Assert.Equal(expectedPoints.Count, actualPoints.Count);
        Assert.True(expectedPoints.Sum(p => p!["count"].Long()) > 0, query);
        for (var i = 0; i < expectedPoints.Count; i++)
        {
            var (e, a) = (expectedPoints[i]!, actualPoints[i]!);
            var what = $"{query} {e["start"].Text()}";
            Assert.Equal(e["start"].Text(), a["start"].Text());
            Assert.True(e["count"].Long() == a["count"].Long(), $"{what} count {a["count"]} vs {e["count"]}");
            Assert.Equal(e["compliance_rate"].NumberOrNull(), a["compliance_rate"].NumberOrNull());
            foreach (var p in new[] { "p50_ms", "p95_ms", "baseline_p95_ms" })
            {
                Assert.Equal(e[p] is null, a[p] is null);
                if (e[p] is not null) AssertPercent($"{what} {p}", e[p].Number(), a[p].Number(), Percent);
            }

            Assert.Equal(e["regression"]!.GetValue<bool>(), a["regression"]!.GetValue<bool>());
        }
    }

    private static void AssertRecommendations(string query, JsonObject expected, JsonObject actual)
    {
        static string Key(JsonNode r) => $"{r["kind"].Text()}/{r["source"].Text()}/{r["phase"]?.GetValue<string>()}";
        var expectedList = expected["recommendations"]!.AsArray().ToDictionary(r => Key(r!));
        var actualList = actual["recommendations"]!.AsArray().ToDictionary(r => Key(r!));
        Assert.Equal(expectedList.Keys.Order(), actualList.Keys.Order());
        Assert.NotEmpty(expectedList);
        foreach (var (key, e) in expectedList)
        {
            var a = actualList[key]!;
            AssertPercent($"{query} {key} current", e!["current_p95_ms"].Number(), a["current_p95_ms"].Number(), Percent);
            AssertPercent($"{query} {key} target", e["target_p95_ms"].Number(), a["target_p95_ms"].Number(), Percent);
            Assert.NotEmpty(a["actions"]!.AsArray());
        }
    }

    // Averages and spreads are exact on both paths up to rounding to 0.001 ms in the answer.
    private static void AssertClose(string what, double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 0.0011 + 1e-9 * Math.Abs(expected), $"{what}: {actual} vs exact {expected}");

    private static void AssertPercent(string what, double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected) + 0.0011, $"{what}: {actual} vs exact {expected} ({(actual - expected) / expected:P3})");
}

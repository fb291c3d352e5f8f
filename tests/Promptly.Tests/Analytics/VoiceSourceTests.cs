using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Analytics;
using Promptly.Latency;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>
/// Voice responses are the analytics source <c>voice</c>, apart from text ones (<c>interview</c>), with their own
/// phases: read exactly from the raw records, from the raw tail the rollup has not reached, and from digests.
/// </summary>
public sealed class VoiceSourceTests
{
    private const int Voice = 20;
    private const int Text = 10;

    private static readonly HashSet<string> VoicePhaseNames = [.. StoredResponses.VoicePhases.Select(p => p.Name)];
    private static readonly HashSet<string> TextPhaseNames = [.. StoredResponses.TextPhases.Select(p => p.Name)];

    private static async Task SeedAsync(IServiceProvider services, DateTimeOffset start)
    {
        await services.SaveAsync(StoredResponses.Series(LatencyChannels.Voice, Voice, start));
        await services.SaveAsync(StoredResponses.Series(LatencyChannels.Text, Text, start.AddMinutes(1), "INVITED"));
    }

    [Fact]
    public async Task Analyses_VoiceResponses_UnderSourceVoiceWithTheirPhasesExactlyAndFromDigests()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var reads = new List<(string Path, JsonObject Voice, JsonObject Phases, JsonObject Bottlenecks, JsonObject Interview, long All)>();
        var server = new AnalyticsServer();
        try
        {
            await SeedAsync(server.Services, start);
            reads.Add(await ReadAsync("exact", server.CreateClient()));
        }
        finally
        {
            await server.StopAsync();
        }

        // Digests only (no exact reads): first with every run still raw (the tail after the watermark), then folded.
        await using var digests = server.Restart(AnalyticsApi.Settings(("ExactRunLimit", 0)));
        var client = digests.CreateClient();
        reads.Add(await ReadAsync("raw tail", client));
        Assert.Equal(Voice + Text, await digests.Rollup.CatchUpAsync(CancellationToken.None));
        Assert.Equal(0, await digests.Rollup.CatchUpAsync(CancellationToken.None));
        reads.Add(await ReadAsync("digests", client));

        foreach (var (path, voice, phases, bottlenecks, interview, all) in reads)
        {
            Assert.Equal(path == "exact", voice.Exact());
            Assert.Equal("voice", voice["scope"]!["source"].Text());
            Assert.Equal(Voice, voice["total_count"].Long());
            Assert.Equal(Voice, voice["within_budget"].Long());
            Assert.Equal(LatencyPhases.AiFirstToken, voice["slowest_phase"].Text());
            Assert.Equal(Text, interview["total_count"].Long());
            Assert.Equal(Voice + Text, all);

            var byName = phases["phases"]!.AsArray().ToDictionary(p => p!["phase"].Text());
            Assert.True(VoicePhaseNames.SetEquals(byName.Keys), $"{path}: {string.Join(", ", byName.Keys)}");
            Assert.All(byName.Values, p => Assert.Equal(Voice, p!["sample_count"].Long()));
            // Phase i of response j is base × (1 + j/100): the smallest and largest are exact on every path.
            Assert.Equal(250, byName[LatencyPhases.Stt]!["min_ms"].Number(), 3);
            Assert.Equal(250 * 1.19, byName[LatencyPhases.Stt]!["max_ms"].Number(), 3);
            Assert.Equal(150 * 1.19, byName[LatencyPhases.TtsFirstAudio]!["max_ms"].Number(), 3);

            // Over 200 ms at p95: the end-of-turn wait, speech to text and the model; synthesis (at most 178.5 ms) is not.
            var slow = bottlenecks["bottlenecks"]!.AsArray().Select(b => b!["phase"].Text()).ToHashSet();
            Assert.True(slow.SetEquals([LatencyPhases.EotWait, LatencyPhases.Stt, LatencyPhases.AiFirstToken, LatencyPhases.Ai]), $"{path}: {string.Join(", ", slow)}");
        }
    }

    // What a query of source voice answers, with the text responses' count and the count of all sources.
    private static async Task<(string, JsonObject, JsonObject, JsonObject, JsonObject, long)> ReadAsync(string path, HttpClient client) => (
        path,
        await client.AnalyticsAsync("summary?days=2&source=voice"),
        await client.AnalyticsAsync("by-phase?days=2&source=voice"),
        await client.AnalyticsAsync("bottlenecks?days=2&source=voice&threshold_ms=200"),
        await client.AnalyticsAsync("summary?days=2&source=interview"),
        await client.CountAsync("days=2"));

    [Fact]
    public async Task ByPhase_TextResponses_HaveNoVoicePhases()
    {
        await using var server = new AnalyticsServer();
        await SeedAsync(server.Services, DateTimeOffset.UtcNow.AddMinutes(-30));

        var phases = (await server.CreateClient().AnalyticsAsync("by-phase?days=2&source=interview"))["phases"]!.AsArray();

        Assert.True(TextPhaseNames.SetEquals(phases.Select(p => p!["phase"].Text())));
        Assert.Equal(Text, await server.CreateClient().CountAsync("days=2&source=interview&interview_type=INVITED"));
        Assert.Equal(0, await server.CreateClient().CountAsync("days=2&source=voice&interview_type=INVITED"));
    }

    [Fact]
    public async Task CatchUpAsync_TextAndVoiceResponses_FoldedIntoDigestsOfTheirOwnSource()
    {
        await using var server = new AnalyticsServer();
        var anchor = AnalyticsApi.HourFloor(DateTimeOffset.UtcNow).AddHours(-2);
        await SeedAsync(server.Services, anchor.AddMinutes(5));

        Assert.Equal(Voice + Text, await server.Rollup.CatchUpAsync(CancellationToken.None));

        var store = server.Services.GetRequiredService<IAnalyticsStore>();
        var read = new AnalyticsRead(anchor, anchor, [new DigestRange(BucketSize.Hour, anchor, anchor.AddHours(1))], new RunFilter(null, null), DigestDetail.Full, Exact: null);
        var digests = (await store.ReadAsync(read, CancellationToken.None)).Digests;
        var bySource = digests.GroupBy(d => d.Key.Source).ToDictionary(g => g.Key, g => g.ToDictionary(d => d.Key.Phase));
        Assert.Equal(["interview", "voice"], bySource.Keys.Order());
        Assert.Equal(Voice, bySource["voice"][DigestKey.Total].Count);
        Assert.True(VoicePhaseNames.SetEquals(bySource["voice"].Keys.Where(p => p != DigestKey.Total)));
        Assert.Equal(Text, bySource["interview"][DigestKey.Total].Count);
        Assert.True(TextPhaseNames.SetEquals(bySource["interview"].Keys.Where(p => p != DigestKey.Total)));
    }

    [Fact]
    public async Task Recommendations_VoiceOverTheBudget_TargetIsTheBudgetThreshold()
    {
        // Voice responses take about 1.4 to 1.7 s: over a budget of 1 s, as text responses would be.
        var settings = AnalyticsApi.Settings();
        settings["Latency:ThresholdMs"] = "1000";
        await using var server = new AnalyticsServer(settings);
        await SeedAsync(server.Services, DateTimeOffset.UtcNow.AddMinutes(-30));

        var report = await server.CreateClient().AnalyticsAsync("recommendations?days=2");

        var voice = report["recommendations"]!.AsArray().Single(r => r!["kind"].Text() == "source" && r["source"].Text() == "voice")!;
        Assert.Equal(1000, voice["target_p95_ms"].Number());
        Assert.Contains(report["recommendations"]!.AsArray(), r => r!["source"].Text() == "voice" && r["phase"]?.GetValue<string>() == LatencyPhases.Stt);
    }
}

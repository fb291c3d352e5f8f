using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Promptly.Observability;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

public sealed class InterviewStatsTests
{
    private const string Engineer = "software_engineer_practice";
    private const string OatMilk = "oat_milk_v1";

    [Fact]
    public async Task Stats_CompletedEndedIdleAndActiveInterviews_CountsThemPerGuideAndType()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T10:00:00Z"));
        await using var server = PromptlyFactory.OnClock(time);
        using var client = server.CreateClient();
        using var meters = Measurements.Of(server);

        // Two completed practice interviews, of ten and of twenty minutes.
        var tenMinutes = await CompleteAsync(client, time, TimeSpan.FromMinutes(1));
        var twentyMinutes = await CompleteAsync(client, time, TimeSpan.FromMinutes(2));
        var completed = new[] { tenMinutes, twentyMinutes };

        // Ended before its closing.
        var ended = (await client.StartAsync(Engineer, type: "INVITED")).Id();
        await client.TurnAsync(ended, InterviewApiTests.ThoroughAnswers[0]);
        await client.PostJsonAsync($"/sessions/{ended}/end", new { });

        // One left idle past the abandon time (30 minutes by default), then one just started.
        var idle = (await client.StartAsync(OatMilk)).Id();
        await client.TurnAsync(idle, "I like that it is creamy because it tastes good in coffee.");
        time.Advance(TimeSpan.FromMinutes(31));
        await client.StartAsync(OatMilk);

        // Erasing a completed interview takes its transcript, not its place in the figures.
        await client.DeleteJsonAsync($"/sessions/{twentyMinutes.Id}");

        var stats = await client.GetJsonAsync("/api/interviews/stats");
        Assert.Equal(7, stats["days"]!.GetValue<int>());
        Assert.Equal(30, stats["abandon_after_minutes"]!.GetValue<int>());
        AssertCounts(stats["total"]!, started: 5, completed: 2, abandoned: 2, active: 1, rate: 0.5);

        var guides = stats["guides"]!.AsArray();
        Assert.Equal(
            [$"{OatMilk}/PRACTICE", $"{Engineer}/INVITED", $"{Engineer}/PRACTICE"],
            guides.Select(g => $"{g!["concept_id"]}/{g["interview_type"]}"));
        AssertCounts(guides[0]!, started: 2, completed: 0, abandoned: 1, active: 1, rate: 0);
        AssertCounts(guides[1]!, started: 1, completed: 0, abandoned: 1, active: 0, rate: 0);
        AssertCounts(guides[2]!, started: 2, completed: 2, abandoned: 0, active: 0, rate: 1);

        var practice = guides[2]!;
        Assert.Equal(900, practice["duration_p50_seconds"]!.GetValue<double>());
        Assert.Equal(1170, practice["duration_p95_seconds"]!.GetValue<double>());
        Assert.Equal(Math.Round(completed.Average(c => c.Coverage), 4), practice["element_coverage_mean"]!.GetValue<double>());
        Assert.Equal(Math.Round(completed.Average(c => c.OrphanRatio), 4), practice["orphan_ratio_mean"]!.GetValue<double>());
        Assert.Equal(10, practice["questions_answered_mean"]!.GetValue<double>());
        Assert.Null(guides[1]!["duration_p50_seconds"]);
        Assert.Null(guides[1]!["element_coverage_mean"]);
        Assert.Equal(practice["element_coverage_mean"]!.GetValue<double>(), stats["total"]!["element_coverage_mean"]!.GetValue<double>());

        // The idle interview is an abandonment only in the figures: nothing ends it, so no counter sees it.
        Assert.Equal(3, meters.Sum("promptly.interviews.started", Engineer));
        Assert.Equal(2, meters.Sum("promptly.interviews.started", OatMilk));
        Assert.Equal(2, meters.Sum("promptly.interviews.ended", Engineer, "completed"));
        Assert.Equal(1, meters.Sum("promptly.interviews.ended", Engineer, "abandoned"));
        Assert.Equal(0, meters.Sum("promptly.interviews.ended", OatMilk));
        Assert.Equal([600, 1200], meters.Values("promptly.interview.duration", Engineer, "completed").Order());
        Assert.Equal(completed.Select(c => c.Coverage).Order(), meters.Values("promptly.interview.element_coverage", Engineer).Order());
        Assert.Equal(completed.Select(c => c.OrphanRatio).Order(), meters.Values("promptly.interview.orphan_ratio", Engineer).Order());
    }

    [Fact]
    public async Task Stats_SessionOlderThanTheWindow_IsLeftOut()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T10:00:00Z"));
        await using var server = PromptlyFactory.OnClock(time);
        using var client = server.CreateClient();
        await client.StartAsync(OatMilk);
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal(0, (await client.GetJsonAsync("/api/interviews/stats?days=1"))["total"]!["started"]!.GetValue<int>());
        var two = await client.GetJsonAsync("/api/interviews/stats?days=2");
        AssertCounts(two["total"]!, started: 1, completed: 0, abandoned: 1, active: 0, rate: 0);
    }

    [Fact]
    public async Task Stats_NoInterviews_CountsZeroAndLeavesFiguresNull()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();

        var stats = await client.GetJsonAsync("/api/interviews/stats");

        AssertCounts(stats["total"]!, started: 0, completed: 0, abandoned: 0, active: 0, rate: null);
        Assert.Null(stats["total"]!["duration_p95_seconds"]);
        Assert.Empty(stats["guides"]!.AsArray());
    }

    [Theory]
    [InlineData("days=0")]
    [InlineData("days=366")]
    [InlineData("days=-1")]
    [InlineData("days=week")]
    [InlineData("days=1.5")]
    [InlineData("hours=2")]
    public async Task Stats_BadQuery_IsRefused(string query)
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();

        await client.GetJsonAsync($"/api/interviews/stats?{query}", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stats_WithoutKey_IsUnauthorized()
    {
        await using var server = new PromptlyFactory();
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;

        using var response = await client.GetAsync("/api/interviews/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static void AssertCounts(JsonNode figures, int started, int completed, int abandoned, int active, double? rate)
    {
        Assert.Equal(started, figures["started"]!.GetValue<int>());
        Assert.Equal(completed, figures["completed"]!.GetValue<int>());
        Assert.Equal(abandoned, figures["abandoned"]!.GetValue<int>());
        Assert.Equal(active, figures["active"]!.GetValue<int>());
        Assert.Equal(rate, figures["completion_rate"]?.GetValue<double>());
    }

    private sealed record Completed(string Id, double Coverage, double OrphanRatio);

    /// <summary>A practice interview of thorough answers to its close, a turn every <paramref name="pace"/>; what the session's own views say it reached.</summary>
    private static async Task<Completed> CompleteAsync(HttpClient client, FakeTimeProvider time, TimeSpan pace)
    {
        var id = (await client.StartAsync(Engineer)).Id();
        foreach (var answer in InterviewApiTests.ThoroughAnswers)
        {
            time.Advance(pace);
            await client.TurnAsync(id, answer);
        }

        var session = await client.GetJsonAsync($"/sessions/{id}");
        Assert.Equal("completed", session["status"]!.GetValue<string>());
        var graph = await client.GetJsonAsync($"/sessions/{id}/graph");
        return new Completed(id, session["coverage"]!.GetValue<double>(), graph["stats"]!["orphan_ratio"]!.GetValue<double>());
    }

    /// <summary>The interview instruments of one test server, told apart from other tests' by the server's meter factory.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _seen = [];

        public static Measurements Of(PromptlyFactory server) => new(server.Services.GetRequiredService<IMeterFactory>());

        private Measurements(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PromptlyInstruments.MeterName && ReferenceEquals(instrument.Meter.Scope, meters)
                    && instrument.Name.StartsWith("promptly.interview", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            lock (_seen) _seen.Add((instrument.Name, value, copy));
        }

        public IEnumerable<double> Values(string instrument, string guide, string? outcome = null)
        {
            lock (_seen)
            {
                return [.. _seen
                    .Where(m => m.Instrument == instrument && Equals(m.Tags[PromptlyInstruments.Guide], guide)
                        && (outcome is null || Equals(m.Tags["promptly.interview.outcome"], outcome)))
                    .Select(m => m.Value)];
            }
        }

        public double Sum(string instrument, string guide, string? outcome = null) => Values(instrument, guide, outcome).Sum();

        public void Dispose() => _listener.Dispose();
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>
/// <c>POST /api/latency/events</c>: a valid batch is stored whole; any invalid event refuses the whole batch with
/// a problem naming each event and field, and stores nothing, not even the valid events beside it.
/// </summary>
public sealed class EventIngestApiTests(EventIngestApiTests.Server server) : IClassFixture<EventIngestApiTests.Server>
{
    public const int MaxEvents = 5;
    public const int MaxBytes = 4096;

    /// <summary>One server for the class, with small batch limits; each test uses sources of its own.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PromptlyFactory Factory { get; } = new(AnalyticsApi.Settings(("MaxEventsPerBatch", MaxEvents), ("MaxEventsBodyBytes", MaxBytes)));

        public HttpClient Client { get; private set; } = null!;

        public Task InitializeAsync()
        {
            Client = Factory.CreateClient();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private HttpClient Client => server.Client;

    [Fact]
    public async Task Ingest_ValidArray_AcceptedWholeAndCounted()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var accepted = await Client.IngestAsync(
        [
            AnalyticsApi.Event("ingest-array", at, phases: new Dictionary<string, double> { ["Build"] = 60, ["Test"] = 40 }),
            AnalyticsApi.Event("ingest-array", at, totalMs: 250, phases: new Dictionary<string, double> { ["Build"] = 200 }, runId: "r-2"),
            AnalyticsApi.Event("ingest-array", totalMs: 1000, interviewType: "practice"),
        ]);

        Assert.Equal(3, accepted["accepted"].Long());
        Assert.Equal("whole-batch", accepted["semantics"].Text());

        var summary = await Client.AnalyticsAsync("summary?days=2&source=ingest-array");
        Assert.Equal(3, summary["total_count"].Long());
        Assert.Equal(100, summary["min_ms"].Number());   // total_ms defaults to the sum of the phases
        Assert.Equal(1000, summary["max_ms"].Number());
        Assert.Equal((100 + 250 + 1000) / 3.0, summary["average_ms"].Number(), 3);
        Assert.Equal(3, summary["within_budget"].Long());
        Assert.Equal("Build", summary["slowest_phase"].Text());
        Assert.Equal(1, await Client.CountAsync("days=2&source=ingest-array&interview_type=PRACTICE"));

        var phases = (await Client.AnalyticsAsync("by-phase?days=2&source=ingest-array"))["phases"]!.AsArray();
        var build = phases.Single(p => p!["phase"].Text() == "Build")!;
        Assert.Equal(2, build["sample_count"].Long());
        Assert.Equal(130, build["average_ms"].Number());
        Assert.Equal(1, phases.Single(p => p!["phase"].Text() == "Test")!["sample_count"].Long());
    }

    [Fact]
    public async Task Ingest_EventsObject_AcceptedLikeAnArray()
    {
        var accepted = await Client.PostJsonAsync(AnalyticsApi.EventsPath,
            new { events = new[] { AnalyticsApi.Event("ingest-object", totalMs: 5), AnalyticsApi.Event("ingest-object", totalMs: 7) } });

        Assert.Equal(2, accepted["accepted"].Long());
        Assert.Equal(2, await Client.CountAsync("days=1&source=ingest-object"));
    }

    [Fact]
    public async Task Ingest_ExactlyMaxEventsPerBatch_Accepted()
    {
        await Client.IngestAsync(Enumerable.Range(0, MaxEvents).Select(i => AnalyticsApi.Event("ingest-max", totalMs: i)));
        Assert.Equal(MaxEvents, await Client.CountAsync("days=1&source=ingest-max"));
    }

    [Fact]
    public async Task Ingest_OverMaxEventsPerBatch_400AndNothingStored()
    {
        var problem = await Client.IngestAsync(Enumerable.Range(0, MaxEvents + 1).Select(i => AnalyticsApi.Event("ingest-over-max", totalMs: i)), HttpStatusCode.BadRequest);

        Assert.Contains($"at most {MaxEvents}", problem["detail"].Text());
        Assert.Equal(0, await Client.CountAsync("days=1&source=ingest-over-max"));
    }

    [Fact]
    public async Task Ingest_BodyOverMaxEventsBodyBytes_413AndNothingStored()
    {
        // Valid events, within the event limit, padded past the byte limit with long run ids and many phases.
        var events = Enumerable.Range(0, MaxEvents).Select(i => AnalyticsApi.Event("ingest-too-big", runId: new string('x', 250) + i,
            phases: Enumerable.Range(0, 40).ToDictionary(p => $"a-long-phase-name-{p}", p => 1000.125 + p))).ToList();
        Assert.True(JsonSerializer.Serialize(events).Length > MaxBytes);
        var problem = await Client.IngestAsync(events, HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains(MaxBytes.ToString(CultureInfo.InvariantCulture), problem["detail"].Text());
        Assert.Equal(0, await Client.CountAsync("days=1&source=ingest-too-big"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"events\":[]}")]
    public async Task Ingest_EmptyBatch_400(string body)
    {
        var problem = await Client.PostRawAsync(AnalyticsApi.EventsPath, body, HttpStatusCode.BadRequest);
        Assert.Contains("no events", problem["detail"].Text());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[{")]
    [InlineData("not json")]
    [InlineData("[{\"source\":\"x\",\"total_ms\":5},]")]
    [InlineData("{\"events\":")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("\"events\"")]
    [InlineData("{}")]
    [InlineData("{\"events\":5}")]
    [InlineData("{\"events\":{\"source\":\"x\"}}")]
    public async Task Ingest_MalformedBody_400(string body)
    {
        var before = await Client.CountAsync("days=1");
        var problem = await Client.PostRawAsync(AnalyticsApi.EventsPath, body, HttpStatusCode.BadRequest);

        Assert.False(string.IsNullOrWhiteSpace(problem["detail"].Text()));
        Assert.Equal(before, await Client.CountAsync("days=1"));
    }

    /// <summary>An invalid event ($S is the test's own source), and the field the problem must name (null: the event itself).</summary>
    public static TheoryData<string, string, string?> InvalidEvents => new()
    {
        { "negative total", """{"source":"$S","total_ms":-1}""", "total_ms" },
        { "NaN as a string", """{"source":"$S","total_ms":"NaN"}""", "total_ms" },
        { "number too large for a double", """{"source":"$S","total_ms":1e400}""", "total_ms" },
        { "total as a boolean", """{"source":"$S","total_ms":true}""", "total_ms" },
        { "total as an object", """{"source":"$S","total_ms":{"ms":5}}""", "total_ms" },
        { "total over seven days", """{"source":"$S","total_ms":604800001}""", "total_ms" },
        { "no total and no phases", """{"source":"$S"}""", "total_ms" },
        { "unknown field", """{"source":"$S","total_ms":5,"duration_ms":5}""", "duration_ms" },
        { "source as a number", """{"source":42,"total_ms":5}""", "source" },
        { "source with a space", """{"source":"a b","total_ms":5}""", "source" },
        { "source reserved for interviews", """{"source":"interview","total_ms":5}""", "source" },
        { "source reserved for voice interviews", """{"source":"voice","total_ms":5}""", "source" },
        { "missing source", """{"total_ms":5}""", "source" },
        { "run_id as a number", """{"source":"$S","total_ms":5,"run_id":7}""", "run_id" },
        { "phases as an array", """{"source":"$S","total_ms":5,"phases":[1,2]}""", "phases" },
        { "empty phase name", """{"source":"$S","phases":{"":5}}""", "phases" },
        { "duplicate phase name", """{"source":"$S","phases":{"Build":5,"Build":6}}""", "phases.Build" },
        { "negative phase", """{"source":"$S","phases":{"Build":-5}}""", "phases.Build" },
        { "phase as a string", """{"source":"$S","phases":{"Build":"5"}}""", "phases.Build" },
        { "65 phases", "{\"source\":\"$S\",\"phases\":{" + string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"p{i}\":1")) + "}}", "phases" },
        { "tags as an array", """{"source":"$S","total_ms":5,"tags":["main"]}""", "tags" },
        { "tag as an object", """{"source":"$S","total_ms":5,"tags":{"branch":{"name":"main"}}}""", "tags.branch" },
        { "interview type with a space", """{"source":"$S","total_ms":5,"tags":{"interview_type":"a b"}}""", "tags.interview_type" },
        { "timestamp in the future", """{"source":"$S","total_ms":5,"timestamp":"$FUTURE"}""", "timestamp" },
        { "timestamp older than digests are kept", """{"source":"$S","total_ms":5,"timestamp":"$ANCIENT"}""", "timestamp" },
        { "timestamp not a time", """{"source":"$S","total_ms":5,"timestamp":"yesterday"}""", "timestamp" },
        { "timestamp as a number", """{"source":"$S","total_ms":5,"timestamp":1700000000}""", "timestamp" },
        { "not an object", "42", null },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task Ingest_OneInvalidEvent_400NamingIndexAndFieldAndNothingStored(string what, string invalid, string? field)
    {
        var source = "bad-" + new string([.. what.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        var now = DateTimeOffset.UtcNow;
        var item = invalid.Replace("$S", source, StringComparison.Ordinal)
            .Replace("$FUTURE", now.AddHours(1).ToString("O"), StringComparison.Ordinal)
            .Replace("$ANCIENT", now.AddDays(-401).ToString("O"), StringComparison.Ordinal);
        var valid = $$$"""{"source":"{{{source}}}","phases":{"Build":60,"Test":40}}""";
        var before = await Client.CountAsync("days=1");

        var problem = await Client.PostRawAsync(AnalyticsApi.EventsPath, $"[{valid},{item},{valid}]", HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsArray();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(1, e!["index"].Long()));
        Assert.Contains(errors, e => e!["field"]?.GetValue<string>() == field);
        Assert.All(errors, e => Assert.Contains("Event 1", e!["message"].Text()));
        Assert.Equal(errors.Count, problem["error_count"].Long());
        Assert.Contains("1 of 3", problem["detail"].Text());
        Assert.Equal(0, await Client.CountAsync($"days=1&source={source}"));
        Assert.Equal(before, await Client.CountAsync("days=1"));
    }

    [Fact]
    public async Task Ingest_SeveralInvalidEvents_EveryProblemListed()
    {
        var body = """
            [{"source":"many-bad","total_ms":-1,"colour":"red"},
             {"source":"many-bad","total_ms":5},
             {"total_ms":"slow","phases":[]}]
            """;
        var problem = await Client.PostRawAsync(AnalyticsApi.EventsPath, body, HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsArray().Select(e => (e!["index"].Long(), e["field"]?.GetValue<string>())).ToList();
        Assert.Contains((0L, "total_ms"), errors);
        Assert.Contains((0L, "colour"), errors);
        Assert.Contains((2L, "source"), errors);
        Assert.Contains((2L, "total_ms"), errors);
        Assert.Contains((2L, "phases"), errors);
        Assert.DoesNotContain(errors, e => e.Item1 == 1);
        Assert.Contains("2 of 3", problem["detail"].Text());
        Assert.Equal(0, await Client.CountAsync("days=1&source=many-bad"));
    }

    [Fact]
    public async Task Ingest_PhasesSummingToOverSevenDays_400AndNothingStored()
    {
        // Each phase is within the 7-day limit but the total they default to is not: a digest cannot hold it (it
        // would clamp it to 7 days), and ingest refuses any duration over 7 days rather than clamp it.
        var body = """
            [{"source":"phase-sum","total_ms":5},
             {"source":"phase-sum","phases":{"Build":400000000,"Test":400000000}}]
            """;
        using var response = await Client.PostAsync(AnalyticsApi.EventsPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.All(problem["errors"]!.AsArray(), e => Assert.Equal(1, e!["index"].Long()));
        Assert.Equal(0, await Client.CountAsync("days=1&source=phase-sum"));
    }

    [Fact]
    public async Task Ingest_BoundaryValues_Accepted()
    {
        var body = $$$"""
            [{"source":"edge.case_1-A","total_ms":0},
             {"source":"edge.case_1-A","total_ms":604800000,"timestamp":"{{{DateTimeOffset.UtcNow.AddDays(-399):O}}}"},
             {"source":"edge.case_1-A","total_ms":1.5e-7,"run_id":null,"tags":{"branch":"main","attempt":2,"flaky":false,"interview_type":"research"}},
             {"source":"edge.case_1-A","phases":{},"total_ms":-0}]
            """;
        var accepted = await Client.PostRawAsync(AnalyticsApi.EventsPath, body, HttpStatusCode.OK);

        Assert.Equal(4, accepted["accepted"].Long());
        Assert.Equal(1, await Client.CountAsync("days=1&source=edge.case_1-A&interview_type=RESEARCH"));
        Assert.Equal(4, await Client.CountAsync("days=400&source=edge.case_1-A"));
    }

    [Fact]
    public async Task Ingest_NulInRunId_400NamingItAndNothingStored()
    {
        var before = await Client.CountAsync("days=1");
        var problem = await Client.PostRawAsync(
            AnalyticsApi.EventsPath, """[{"source":"ingest-nul","total_ms":5},{"source":"ingest-nul","run_id":"a\u0000b","total_ms":5}]""", HttpStatusCode.BadRequest);

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal(1, error["index"].Long());
        Assert.Equal("run_id", error["field"]!.GetValue<string>());
        Assert.Contains("U+0000", error["message"].Text());
        Assert.Equal(before, await Client.CountAsync("days=1"));
    }

    [Theory]
    [InlineData("""[{"source":"\ud800","total_ms":5}]""", "$[0].source")]
    [InlineData("""[{"source":"ingest-lone","timestamp":"2026-01-01T00:00:00Z\udc00","total_ms":5}]""", "$[0].timestamp")]
    [InlineData("""[{"source":"ingest-lone","total_ms":5},{"source":"ingest-lone","run_id":"a\ud83d","total_ms":5}]""", "$[1].run_id")]
    [InlineData("""[{"source":"ingest-lone","total_ms":5,"phases":{"\ud800Build":1}}]""", "a property name in $[0].phases")]
    [InlineData("""[{"source":"ingest-lone","total_ms":5,"tags":{"branch":"\udfff"}}]""", "$[0].tags.branch")]
    [InlineData("""{"events":[{"source":"ingest-lone","total_ms":5}],"\ud800":1}""", "a property name in $")]
    public async Task Ingest_LoneSurrogateEscape_400NamingWhereAndNothingStored(string body, string where)
    {
        var before = await Client.CountAsync("days=1");
        var problem = await Client.PostRawAsync(AnalyticsApi.EventsPath, body, HttpStatusCode.BadRequest);

        Assert.Contains($"the text at {where} is not valid Unicode", problem["detail"].Text());
        Assert.Equal(before, await Client.CountAsync("days=1"));
    }

    [Fact]
    public async Task Ingest_BytesThatAreNotUtf8_400()
    {
        byte[] body = [.. "[{\"source\":\"ingest-"u8, 0xFF, 0xC0, .. "\",\"total_ms\":5}]"u8];
        using var response = await Client.PostAsync(AnalyticsApi.EventsPath, new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("$[0].source is not valid Unicode", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"].Text());
    }
}

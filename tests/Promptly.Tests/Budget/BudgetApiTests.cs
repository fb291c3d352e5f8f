using System.Net;
using System.Text.Json.Nodes;
using Promptly.Latency;
using Promptly.Tests.Analytics;
using Promptly.Tests.Support;

namespace Promptly.Tests.Budget;

public sealed class BudgetApiTests
{
    private static string Answer(int i) => $"Answer {i}: I like it because it is good for me and for my whole family.";

    [Fact]
    public async Task SessionLatency_AfterTurns_CountsGreetingAndEveryTurn()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync(candidate: "Ada")).Id();
        for (var i = 0; i < 3; i++) await client.TurnAsync(id, Answer(i));

        var latency = await client.GetJsonAsync($"/sessions/{id}/latency");
        Assert.Equal(4, latency["total_responses"]!.GetValue<int>());
        Assert.Equal(4, latency["within_budget"]!.GetValue<int>());
        Assert.Equal(0, latency["exceeded_budget"]!.GetValue<int>());
        Assert.Equal(1.0, latency["budget_compliance_rate"]!.GetValue<double>());
        Assert.True(latency["meets_target"]!.GetValue<bool>());
        foreach (var field in new[] { "p50", "p90", "p95", "p99", "mean", "max" })
        {
            Assert.True(latency[field]!.GetValue<double>() > 0, field);
        }

        Assert.True(latency["p99"]!.GetValue<double>() <= latency["max"]!.GetValue<double>());
        Assert.Equal("Session latency: 100.0% within budget (4/4 responses). Target: 90%. Status: ✓ PASS", latency["message"]!.GetValue<string>());
        Assert.Equal([0, 1, 2, 3], latency["responses"]!.AsArray().Select(r => r!["question_number"]!.GetValue<int>()));
    }

    [Fact]
    public async Task SlowInterviewer_OverThresholdAndSevere_LogsAndStoresViolation()
    {
        var chat = new ControllableChatClient();
        await using var factory = new PromptlyFactory(chat: chat);
        var client = factory.CreateClient();
        // The greeting runs under the default budget (its time includes the test server's cold start); the tight
        // budget for the turns is set at run time.
        var id = (await client.StartAsync(candidate: "Grace")).Id();
        await client.PutJsonAsync("/api/latency/budget/PRACTICE", new { threshold_ms = 30, severe_ms = 400 });

        chat.Delay = TimeSpan.FromMilliseconds(60);
        var warned = await client.TurnAsync(id, Answer(1));
        Assert.True(warned["latency"]!["exceeded_threshold"]!.GetValue<bool>());
        Assert.Equal(30, warned["latency"]!["threshold_ms"]!.GetValue<double>());

        chat.Delay = TimeSpan.FromMilliseconds(600);
        await client.TurnAsync(id, Answer(2));

        string[] logs;
        lock (factory.Logs) logs = [.. factory.Logs];
        Assert.Contains(logs, l => l.StartsWith("WARNING Latency budget exceeded: ", StringComparison.Ordinal)
            && l.Contains($"ms > 30ms (Session {id}, Q1, Candidate: Grace)", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("ERROR SEVERE LATENCY VIOLATION: ", StringComparison.Ordinal) && l.Contains("Q2", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.StartsWith("ERROR", StringComparison.Ordinal) && l.Contains("Q1,", StringComparison.Ordinal));

        var errors = (await client.GetJsonAsync("/api/errors?type=LatencyViolation"))["errors"]!.AsArray();
        var violation = Assert.Single(errors)!;
        Assert.Equal("LatencyViolation", violation["type"]!.GetValue<string>());
        Assert.Equal(id, violation["session_id"]!.GetValue<string>());
        Assert.Equal(2, violation["question_number"]!.GetValue<int>());
        Assert.True(violation["response_time_ms"]!.GetValue<double>() > 400);
        Assert.Equal(30, violation["threshold_ms"]!.GetValue<double>());

        var slow = (await client.GetJsonAsync("/api/latency/slow?hours=1&limit=3"))["responses"]!.AsArray();
        Assert.Equal(2, slow[0]!["question_number"]!.GetValue<int>());
        var times = slow.Select(r => r!["response_time_ms"]!.GetValue<double>()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var session = await client.GetJsonAsync($"/sessions/{id}/latency");
        Assert.Equal(2, session["exceeded_budget"]!.GetValue<int>());
        Assert.False(session["meets_target"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FailingInterviewer_Answers502_RecordsFailedResponse()
    {
        var chat = new ControllableChatClient();
        await using var factory = new PromptlyFactory(chat: chat);
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        chat.Failing = true;
        var problem = await client.TurnAsync(id, Answer(1), HttpStatusCode.BadGateway);
        Assert.Contains("interviewer", problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        var latency = await client.GetJsonAsync($"/sessions/{id}/latency");
        Assert.Equal(2, latency["total_responses"]!.GetValue<int>());
        Assert.Equal(1, latency["within_budget"]!.GetValue<int>());
        var failed = latency["responses"]!.AsArray()[1]!;
        Assert.True(failed["failed"]!.GetValue<bool>());

        // The failed turn wrote nothing: the retried answer becomes question 1 and the transcript stays in order.
        chat.Failing = false;
        var retried = await client.TurnAsync(id, Answer(1));
        Assert.Equal(1, retried["question_number"]!.GetValue<int>());
        Assert.Equal(3, (await client.GetJsonAsync($"/sessions/{id}"))["transcript"]!.AsArray().Count);
    }

    [Fact]
    public async Task BudgetOverride_PutAtRunTime_AppliesToNextResponseAndSurvivesRestart()
    {
        var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync(type: "INVITED")).Id();

        var settings = await client.PutJsonAsync("/api/latency/budget/invited", new { threshold_ms = 1500 });
        Assert.Equal(1500, settings["interview_types"]!["INVITED"]!["threshold_ms"]!.GetValue<double>());
        Assert.Equal(2000, settings["interview_types"]!["PRACTICE"]!["threshold_ms"]!.GetValue<double>());
        var turn = await client.TurnAsync(id, Answer(1));
        Assert.Equal(1500, turn["latency"]!["threshold_ms"]!.GetValue<double>());

        await using var restarted = await factory.RestartAsync();
        var after = await restarted.CreateClient().GetJsonAsync("/api/latency/budget");
        Assert.Equal(1500, after["interview_types"]!["INVITED"]!["threshold_ms"]!.GetValue<double>());

        var removed = await restarted.CreateClient().DeleteJsonAsync("/api/latency/budget/INVITED");
        Assert.Equal(2000, removed["interview_types"]!["INVITED"]!["threshold_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task BudgetOverride_BlankType_BadRequestAndNothingStored()
    {
        var factory = new PromptlyFactory();
        var client = factory.CreateClient();

        await client.PutRawAsync("/api/latency/budget/%20", "{\"threshold_ms\": 100}", HttpStatusCode.BadRequest);
        await client.DeleteJsonAsync("/api/latency/budget/%20", HttpStatusCode.BadRequest);

        // The next start reads every stored override: one without a type would stop it.
        await using var restarted = await factory.RestartAsync();
        Assert.Empty((await restarted.CreateClient().GetJsonAsync("/api/latency/budget"))["runtime_overrides"]!.AsObject());
    }

    [Fact]
    public async Task BudgetConfig_PerInterviewType_UsedForThatTypeOnly()
    {
        await using var factory = new PromptlyFactory(new() { ["Latency:InterviewTypes:INVITED:ThresholdMs"] = "3000" });
        var client = factory.CreateClient();
        var invited = await client.StartAsync(type: "INVITED");
        var practice = await client.StartAsync(type: "PRACTICE");
        Assert.Equal(3000, invited["latency"]!["threshold_ms"]!.GetValue<double>());
        Assert.Equal(2000, practice["latency"]!["threshold_ms"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("/api/latency/budget/PRACTICE", "{}")]
    [InlineData("/api/latency/budget/PRACTICE", "{\"threshold_ms\": -5}")]
    [InlineData("/api/latency/budget/PRACTICE", "{\"threshold_ms\": \"fast\"}")]
    [InlineData("/api/latency/budget/NOPE", "{\"threshold_ms\": 100}")]
    public async Task BudgetOverride_BadInput_BadRequest(string path, string body)
    {
        await using var factory = new PromptlyFactory();
        await factory.CreateClient().PutRawAsync(path, body, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Compliance_Window_OverallAndPerInterviewType()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var practice = (await client.StartAsync(type: "PRACTICE")).Id();
        await client.TurnAsync(practice, Answer(1));
        await client.StartAsync(type: "INVITED");

        var all = await client.GetJsonAsync("/api/latency/compliance?hours=24");
        Assert.Equal(3, all["overall"]!["total_responses"]!.GetValue<int>());
        Assert.Equal(2, all["by_interview_type"]!["PRACTICE"]!["total_responses"]!.GetValue<int>());
        Assert.Equal(1, all["by_interview_type"]!["INVITED"]!["total_responses"]!.GetValue<int>());

        var invited = await client.GetJsonAsync("/api/latency/compliance?hours=24&interview_type=INVITED");
        Assert.Equal(1, invited["overall"]!["total_responses"]!.GetValue<int>());

        var from = DateTimeOffset.UtcNow.AddHours(-2).ToString("O");
        var to = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
        var empty = await client.GetJsonAsync($"/api/latency/compliance?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        Assert.Equal(0, empty["overall"]!["total_responses"]!.GetValue<int>());
    }

    // Text within budget (INVITED), voice in part over it (PRACTICE): 3 text, 4 voice within and 2 voice over.
    private static async Task SeedChannelsAsync(IServiceProvider services)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);
        await services.SaveAsync(StoredResponses.Series(LatencyChannels.Text, 3, start, "INVITED"));
        await services.SaveAsync(StoredResponses.Series(LatencyChannels.Voice, 4, start.AddMinutes(1)));
        await services.SaveAsync(StoredResponses.Series(LatencyChannels.Voice, 2, start.AddMinutes(2), thresholdMs: 1000));
    }

    private static int Total(JsonNode? report) => report!["total_responses"]!.GetValue<int>();

    [Fact]
    public async Task Compliance_TextAndVoice_BothByDefaultPerChannelAndFilteredByChannel()
    {
        await using var factory = new PromptlyFactory();
        await SeedChannelsAsync(factory.Services);
        var client = factory.CreateClient();

        var both = await client.GetJsonAsync("/api/latency/compliance?hours=24");
        Assert.Equal(["text", "voice"], both["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(9, Total(both["overall"]));
        Assert.Equal(7, both["overall"]!["within_budget"]!.GetValue<int>());
        Assert.Equal(3, Total(both["by_channel"]!["text"]));
        Assert.Equal(6, Total(both["by_channel"]!["voice"]));
        Assert.Equal(2, both["by_channel"]!["voice"]!["exceeded_budget"]!.GetValue<int>());
        Assert.Equal(6, Total(both["by_interview_type"]!["PRACTICE"]));

        var voice = await client.GetJsonAsync("/api/latency/compliance?hours=24&channel=voice");
        Assert.Equal(["voice"], voice["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(6, Total(voice["overall"]));
        Assert.Equal(4, voice["overall"]!["within_budget"]!.GetValue<int>());
        Assert.Equal(["voice"], voice["by_channel"]!.AsObject().Select(c => c.Key));
        Assert.Null(voice["by_interview_type"]!["INVITED"]);

        var text = await client.GetJsonAsync("/api/latency/compliance?hours=24&channel=TEXT&interview_type=invited");
        Assert.Equal(["text"], text["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(3, Total(text["overall"]));
        Assert.Equal(0, Total((await client.GetJsonAsync("/api/latency/compliance?hours=24&channel=text&interview_type=PRACTICE"))["overall"]));
    }

    [Fact]
    public async Task Compliance_TextAndVoiceFromDigests_SameCountsPerChannel()
    {
        await using var server = new AnalyticsServer(AnalyticsApi.Settings(("ExactRunLimit", 0)));
        await SeedChannelsAsync(server.Services);
        await server.Rollup.CatchUpAsync(CancellationToken.None);
        var client = server.CreateClient();

        var both = await client.GetJsonAsync("/api/latency/compliance?hours=24");
        var voice = await client.GetJsonAsync("/api/latency/compliance?hours=24&channel=voice");

        Assert.False(both["exact"]!.GetValue<bool>());
        Assert.Equal(9, Total(both["overall"]));
        Assert.Equal(7, both["overall"]!["within_budget"]!.GetValue<int>());
        Assert.Equal(3, Total(both["by_channel"]!["text"]));
        Assert.Equal(6, Total(both["by_channel"]!["voice"]));
        Assert.False(voice["exact"]!.GetValue<bool>());
        Assert.Equal(6, Total(voice["overall"]));
        Assert.Equal(4, voice["overall"]!["within_budget"]!.GetValue<int>());
    }

    [Fact]
    public async Task SessionLatency_TextAndVoiceResponses_BothByDefaultAndFilteredByChannel()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await factory.Services.SaveAsync(StoredResponses.Series(LatencyChannels.Voice, 2, start).Select((r, i) => r with { SessionId = id, QuestionNumber = i + 1 }));

        var both = await client.GetJsonAsync($"/sessions/{id}/latency");
        var voice = await client.GetJsonAsync($"/sessions/{id}/latency?channel=voice");

        Assert.Equal(["text", "voice"], both["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(3, both["total_responses"]!.GetValue<int>());
        Assert.Equal(["voice"], voice["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(2, voice["total_responses"]!.GetValue<int>());
        Assert.All(voice["responses"]!.AsArray(), r => Assert.Equal("voice", r!["channel"]!.GetValue<string>()));
        Assert.Contains(LatencyPhases.Stt, voice["responses"]![0]!["phases"]!.AsObject().Select(p => p.Key));
        var problem = await client.GetJsonAsync($"/sessions/{id}/latency?channel=fax", HttpStatusCode.BadRequest);
        Assert.Equal("'channel' must be one of text, voice, not 'fax'.", problem["detail"]!.GetValue<string>());

        var slow = (await client.GetJsonAsync("/api/latency/slow?hours=1&limit=3"))["responses"]!.AsArray();
        Assert.Equal(["text", "voice", "voice"], slow.Select(r => r!["channel"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Compliance_UnknownChannel_BadRequestListingTextAndVoice()
    {
        await using var factory = new PromptlyFactory();

        var problem = await factory.CreateClient().GetJsonAsync("/api/latency/compliance?channel=phone", HttpStatusCode.BadRequest);

        Assert.Equal("'channel' must be one of text, voice, not 'phone'.", problem["detail"]!.GetValue<string>());
        Assert.Equal(["text", "voice"], problem["allowed_values"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task Compliance_MisspeltChannel_BadRequestNamingChannelAsKnown()
    {
        await using var factory = new PromptlyFactory();

        var problem = await factory.CreateClient().GetJsonAsync("/api/latency/compliance?chanel=voice", HttpStatusCode.BadRequest);

        Assert.Contains("channel", problem["known_parameters"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/api/latency/compliance?hours=0")]
    [InlineData("/api/latency/compliance?hours=abc")]
    [InlineData("/api/latency/compliance?from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z")]
    [InlineData("/api/latency/compliance?from=yesterday")]
    [InlineData("/api/latency/compliance?interview_type=BOTH")]
    [InlineData("/api/latency/slow?limit=0")]
    [InlineData("/api/latency/slow?limit=many")]
    [InlineData("/api/errors?hours=-3")]
    [InlineData("/api/metrics/requests?hours=1e400")]
    public async Task WindowQueries_BadParameters_BadRequest(string path)
    {
        await using var factory = new PromptlyFactory();
        await factory.CreateClient().GetJsonAsync(path, HttpStatusCode.BadRequest);
    }
}

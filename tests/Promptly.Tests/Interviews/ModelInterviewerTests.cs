using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>
/// A real model's interviewer end to end, against a loopback OpenAI-compatible server through the OpenAI SDK: what the
/// SDK's errors are classified as, and what a turn stores. Deadlines are far beyond what a loaded machine could need
/// unless a test is about one; the exact timing of deadlines, retries and the breaker is checked on a fake clock in
/// <see cref="ModelCallTests"/>.
/// </summary>
public sealed class ModelInterviewerTests : IAsyncLifetime
{
    private const string Answer = "I like it because it tastes fresh.";
    private FakeChatServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private PromptlyFactory Factory(Dictionary<string, string?>? more = null) => new(Generous(_server.Settings(more)));

    // A budget no loaded machine can miss, unless the test sets its own (the fake server's settings do the same for
    // the first-token deadline).
    private static Dictionary<string, string?> Generous(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Latency:ThresholdMs", "60000");
        return settings;
    }

    [Fact]
    public async Task Turn_ModelStreams_AnswersWithModelTextAndRecordsFirstTokenAndTokens()
    {
        await using var factory = Factory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        var turn = await client.TurnAsync(id, Answer);

        Assert.Equal("Thanks, tell me a little more about that?", turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
        var latency = turn["latency"]!.AsObject();
        Assert.Equal(["load", "extract", "ai_first_token", "ai", "persist"], latency["phases"]!.AsObject().Select(p => p.Key));
        Assert.Equal(latency["phases"]!["ai_first_token"]!.GetValue<double>(), latency["ai_time_to_first_token_ms"]!.GetValue<double>());
        Assert.Equal(57, latency["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(8, latency["completion_tokens"]!.GetValue<int>());

        // Stored with the record, and the provider was asked to stream and to report usage.
        var stored = (await client.GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray()[1]!;
        Assert.Equal(57, stored["prompt_tokens"]!.GetValue<int>());
        Assert.True(stored["ai_time_to_first_token_ms"]!.GetValue<double>() <= stored["ai_processing_time_ms"]!.GetValue<double>());
        var request = _server.Requests.Last();
        Assert.True(request["stream"]!.GetValue<bool>());
        Assert.True(request["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("fake-model", request["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Turn_SlowFirstToken_FallsBackToPlannedStepAndInterviewGoesOn()
    {
        var planned = await ScriptedTurnAsync();
        // The greeting has 3 s, which a loaded machine does not need; the turn stalls for minutes.
        _server.Behaviour = n => n == 0 ? FakeReply.Ok() : new FakeReply { FirstTokenDelay = TimeSpan.FromMinutes(2) };
        await using var factory = Factory(new() { ["Interviewer:FallbackAfterMs"] = "3000" });
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        var turn = await client.TurnAsync(id, Answer);

        Assert.Equal(planned["message"]!.GetValue<string>(), turn["message"]!.GetValue<string>());
        Assert.Equal(planned["kind"]!.GetValue<string>(), turn["kind"]!.GetValue<string>());
        Assert.True(turn["fallback"]!.GetValue<bool>());
        Assert.StartsWith("first_token_deadline", turn["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(turn["latency"]!["failed"]!.GetValue<bool>());

        // The interview goes on from the planned step: the next turn is question 2 and the record says why 1 fell back.
        _server.Behaviour = _ => FakeReply.Ok();
        Assert.Equal(2, (await client.TurnAsync(id, Answer))["question_number"]!.GetValue<int>());
        var records = (await client.GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray();
        Assert.Equal([false, true, false], records.Select(r => r!["fallback"]!.GetValue<bool>()));
        Assert.StartsWith("first_token_deadline", records[1]!["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turn_ServerErrorThenSuccess_RetriedAndAnsweredByModel()
    {
        _server.Behaviour = n => n == 1 ? FakeReply.Error(500) : FakeReply.Ok();
        var turn = await FirstTurnAsync();

        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal("Thanks, tell me a little more about that?", turn["message"]!.GetValue<string>());
        Assert.Equal(3, _server.Calls);
    }

    [Fact]
    public async Task Turn_RateLimitedLongerThanBudget_FallsBackWithoutRetry()
    {
        _server.Behaviour = n => n == 0 ? FakeReply.Ok() : FakeReply.Error(429, retryAfterSeconds: 600);
        var turn = await FirstTurnAsync();

        Assert.True(turn["fallback"]!.GetValue<bool>());
        Assert.StartsWith("rate_limited", turn["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, _server.Calls);
    }

    [Fact]
    public async Task Turn_RateLimitedWithRetryAfterThatFits_RetriedAndAnsweredByModel()
    {
        _server.Behaviour = n => n == 1 ? FakeReply.Error(429, retryAfterSeconds: 0) : FakeReply.Ok();
        var turn = await FirstTurnAsync();

        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal(3, _server.Calls);
    }

    [Fact]
    public async Task Start_ProviderUnreachable_OpensWithFallbackGreeting()
    {
        var closed = await FakeChatServer.StartAsync();
        var settings = closed.Settings();
        await closed.DisposeAsync();
        await using var factory = new PromptlyFactory(Generous(settings));
        var client = factory.CreateClient();

        var session = await client.StartAsync();

        Assert.True(session["fallback"]!.GetValue<bool>());
        Assert.StartsWith("provider_error", session["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Hello, and thank you for joining this short study about a new oat milk.", session["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turn_StreamDroppedMidway_RetriedAndAnsweredByModel()
    {
        _server.Behaviour = n => n == 1 ? new FakeReply { DropMidStream = true } : FakeReply.Ok();
        var turn = await FirstTurnAsync();

        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal("Thanks, tell me a little more about that?", turn["message"]!.GetValue<string>());
        Assert.Equal(3, _server.Calls);
    }

    [Fact]
    public async Task Turn_MalformedEveryTime_FallsBackAfterRetries()
    {
        _server.Behaviour = n => n == 0 ? FakeReply.Ok() : new FakeReply { Malformed = true };
        var turn = await FirstTurnAsync();

        Assert.True(turn["fallback"]!.GetValue<bool>());
        Assert.StartsWith("provider_error", turn["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("(3 attempts)", turn["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, _server.Calls);
    }

    [Fact]
    public async Task Turn_ProviderKeepsFailing_BreakerOpensAndProviderNotCalled()
    {
        _server.Behaviour = n => n == 0 ? FakeReply.Ok() : FakeReply.Error(500);
        await using var factory = Factory(new()
        {
            ["Interviewer:MaxRetries"] = "0",
            ["Interviewer:BreakerMinimumThroughput"] = "2",
            ["Interviewer:BreakerFailureRatio"] = "0.5",
            ["Interviewer:BreakerBreakSeconds"] = "600",
        });
        var client = factory.CreateClient();
        var id = (await client.StartAsync("software_engineer_practice")).Id();
        // The greeting succeeded and this turn failed: half of two calls failed, which opens the circuit.
        Assert.StartsWith("provider_error", (await client.TurnAsync(id, "yes"))["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        var callsWhenOpened = _server.Calls;

        var open = await client.TurnAsync(id, "yes");

        Assert.StartsWith("circuit_open", open["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(callsWhenOpened, _server.Calls);
    }

    [Fact]
    public async Task Start_GreetingKeepsFailing_RetriedTwiceThenFallbackGreeting()
    {
        _server.Behaviour = _ => FakeReply.Error(503);
        await using var factory = Factory();
        var client = factory.CreateClient();

        var session = await client.StartAsync();

        Assert.StartsWith("Hello, and thank you for joining this short study about a new oat milk.", session["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(session["fallback"]!.GetValue<bool>());
        Assert.StartsWith("provider_error: HTTP 503", session["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(session["latency"]!["failed"]!.GetValue<bool>());
        Assert.Equal(3, _server.Calls);
    }

    /// <summary>What the built-in interviewer says to <see cref="Answer"/>: the step a fallback must say too.</summary>
    private static async Task<JsonObject> ScriptedTurnAsync()
    {
        await using var scripted = new PromptlyFactory();
        var client = scripted.CreateClient();
        return await client.TurnAsync((await client.StartAsync()).Id(), Answer);
    }

    // A session on a fresh server and its first turn's answer.
    private async Task<JsonObject> FirstTurnAsync(Dictionary<string, string?>? more = null)
    {
        await using var factory = Factory(more);
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        return await client.TurnAsync(id, Answer);
    }
}

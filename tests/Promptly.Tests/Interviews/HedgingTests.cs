using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>A second provider raced against a slow first one: the first to speak answers, the other is cancelled.</summary>
[Collection(TimingSensitive.Name)]
public sealed class HedgingTests : IAsyncLifetime
{
    private const string Answer = "I like it because it tastes fresh.";
    private const string PrimaryText = "Primary here, what do you like about it?";
    private const string SecondaryText = "Secondary here, what do you like about it?";
    private FakeChatServer _primary = null!;
    private FakeChatServer _secondary = null!;

    public async Task InitializeAsync()
    {
        _primary = await FakeChatServer.StartAsync();
        _secondary = await FakeChatServer.StartAsync();
        _primary.Behaviour = _ => FakeReply.Ok(PrimaryText);
        _secondary.Behaviour = _ => FakeReply.Ok(SecondaryText);
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
    }

    private PromptlyFactory Factory() => new(_primary.Settings(new()
    {
        ["Interviewer:HedgeEndpoint"] = _secondary.Endpoint,
        ["Interviewer:HedgeAfterMs"] = "200",
        ["Interviewer:FallbackAfterMs"] = "1500",
    }));

    [Fact]
    public async Task Turn_PrimaryAnswersBeforeHedgeDelay_SecondaryNeverAsked()
    {
        var turn = await FirstTurnAsync();

        Assert.Equal(PrimaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal(0, _secondary.Calls);
    }

    [Fact]
    public async Task Turn_PrimaryStalls_SecondaryAnswersAndNoFallback()
    {
        _primary.Behaviour = n => n == 0 ? FakeReply.Ok(PrimaryText) : new FakeReply { Text = PrimaryText, FirstTokenDelay = TimeSpan.FromSeconds(10) };
        var turn = await FirstTurnAsync();

        Assert.Equal(SecondaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal(1, _secondary.Calls);
        var latency = turn["latency"]!.AsObject();

        // The candidate waited for the hedge delay and the second provider, not for the stalled first one.
        Assert.True(latency["ai_time_to_first_token_ms"]!.GetValue<double>() < 1500, latency.ToJsonString());
    }

    [Fact]
    public async Task Turn_PrimaryFailsAtOnce_SecondaryAnswersWithoutWaitingForHedgeDelay()
    {
        _primary.Behaviour = n => n == 0 ? FakeReply.Ok(PrimaryText) : FakeReply.Error(500);
        var turn = await FirstTurnAsync();

        Assert.Equal(SecondaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Turn_BothProvidersStall_FallsBackToPlannedStep()
    {
        _primary.Behaviour = n => n == 0 ? FakeReply.Ok(PrimaryText) : new FakeReply { FirstTokenDelay = TimeSpan.FromSeconds(10) };
        _secondary.Behaviour = _ => new FakeReply { FirstTokenDelay = TimeSpan.FromSeconds(10) };
        var turn = await FirstTurnAsync();

        Assert.True(turn["fallback"]!.GetValue<bool>(), turn.ToJsonString());
        Assert.StartsWith("first_token_deadline", turn["fallback_cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(turn["latency"]!["response_time_ms"]!.GetValue<double>() < 5000, turn.ToJsonString());
    }

    // A session on a fresh server and its first turn's answer.
    private async Task<JsonObject> FirstTurnAsync()
    {
        await using var factory = Factory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        return await client.TurnAsync(id, Answer);
    }
}

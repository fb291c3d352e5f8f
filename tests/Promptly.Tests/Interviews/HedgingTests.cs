using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>
/// Hedging end to end, over two loopback providers and the OpenAI SDK. The timing itself (the hedge leaves exactly
/// after <c>HedgeAfterMs</c>, the candidate waits only that long) is checked on a fake clock in
/// <see cref="HedgingChatClientTests"/>; here every deadline is far beyond what a loaded machine could need.
/// </summary>
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

    [Fact]
    public async Task Turn_PrimaryAnswersBeforeHedgeDelay_SecondaryNeverAsked()
    {
        var turn = await FirstTurnAsync(hedgeAfterMs: 20_000, fallbackAfterMs: 30_000);

        Assert.Equal(PrimaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Equal(0, _secondary.Calls);
    }

    [Fact]
    public async Task Turn_PrimaryStalls_SecondaryAnswersAndNoFallback()
    {
        _primary.Behaviour = n => n == 0 ? FakeReply.Ok(PrimaryText) : new FakeReply { Text = PrimaryText, FirstTokenDelay = TimeSpan.FromMinutes(2) };
        var turn = await FirstTurnAsync(hedgeAfterMs: 200, fallbackAfterMs: 30_000);

        Assert.Equal(SecondaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
        Assert.Contains(_secondary.Requests, r => r.ToJsonString().Contains(Answer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Turn_PrimaryFailsAtOnce_SecondaryAnswersWithoutWaitingForHedgeDelay()
    {
        // Were the failure to wait for the 20 s hedge delay, the 10 s deadline would fall back first.
        _primary.Behaviour = n => n == 0 ? FakeReply.Ok(PrimaryText) : FakeReply.Error(500);
        var turn = await FirstTurnAsync(hedgeAfterMs: 20_000, fallbackAfterMs: 10_000);

        Assert.Equal(SecondaryText, turn["message"]!.GetValue<string>());
        Assert.False(turn["fallback"]!.GetValue<bool>());
    }

    // A session on a fresh server and its first turn's answer.
    private async Task<JsonObject> FirstTurnAsync(int hedgeAfterMs, int fallbackAfterMs)
    {
        await using var factory = new PromptlyFactory(_primary.Settings(new()
        {
            ["Interviewer:HedgeEndpoint"] = _secondary.Endpoint,
            ["Interviewer:HedgeAfterMs"] = hedgeAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Interviewer:FallbackAfterMs"] = fallbackAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Latency:ThresholdMs"] = "60000",
        }));
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        return await client.TurnAsync(id, Answer);
    }
}

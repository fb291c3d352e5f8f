using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Promptly.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>
/// Two providers raced on a fake clock: the second is asked exactly when the first has been silent for the hedge
/// delay (or has failed), the first to speak answers and the other is cancelled.
/// </summary>
public sealed class HedgingChatClientTests
{
    private const string PrimaryText = "Primary here, what do you like?";
    private const string SecondaryText = "Secondary here, what do you like?";
    private static readonly TimeSpan HedgeAfter = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // A hang guard only: every step completes in microseconds once the fake clock allows it.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private readonly ObservedTimeProvider _time = new();
    private readonly FakeChatClient _primary;
    private readonly FakeChatClient _secondary;
    private readonly HedgingChatClient _hedging;

    public HedgingChatClientTests()
    {
        _primary = new FakeChatClient(_time) { Behaviour = _ => FakeCall.Ok(PrimaryText) };
        _secondary = new FakeChatClient(_time) { Behaviour = _ => FakeCall.Ok(SecondaryText) };
        _hedging = new HedgingChatClient(_primary, _secondary, HedgeAfter, _time);
    }

    [Fact]
    public async Task Stream_PrimarySpeaksBeforeHedgeDelay_SecondaryNeverAsked()
    {
        _primary.Behaviour = _ => FakeCall.After(HedgeAfter - Tick, PrimaryText);
        var reply = ReadAsync();

        _time.Advance(HedgeAfter - Tick);
        Assert.Equal(PrimaryText, await reply.WaitAsync(Settle));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _secondary.Calls);
    }

    [Fact]
    public async Task Stream_PrimarySilent_HedgeSentAtHedgeDelayAndNotBefore()
    {
        _primary.Behaviour = _ => FakeCall.Silent();
        var start = _time.GetUtcNow();
        var reply = ReadAsync();

        _time.Advance(HedgeAfter - Tick);
        Assert.Equal(0, _secondary.Calls);
        Assert.False(reply.IsCompleted);

        _time.Advance(Tick);
        await _secondary.StartedAsync(1).WaitAsync(Settle);
        Assert.Equal([start + HedgeAfter], _secondary.StartTimes);

        // The second provider answers at once; the silent first one is cancelled.
        Assert.Equal(SecondaryText, await reply.WaitAsync(Settle));
        Assert.Equal(1, _primary.Calls);
        await _primary.CancelledAsync(1).WaitAsync(Settle);
        Assert.Equal(1, _primary.Cancelled);
        Assert.Equal(0, _secondary.Cancelled);
    }

    [Fact]
    public async Task Stream_PrimaryFailsAtOnce_SecondaryAskedWithoutWaitingForHedgeDelay()
    {
        _primary.Behaviour = _ => FakeCall.Status(500);

        // The clock never moves.
        Assert.Equal(SecondaryText, await ReadAsync().WaitAsync(Settle));
        Assert.Equal(1, _secondary.Calls);
    }

    [Fact]
    public async Task Stream_PrimarySpeaksFirstAfterHedge_PrimaryAnswersAndSecondaryCancelled()
    {
        _primary.Behaviour = _ => FakeCall.After(TimeSpan.FromMilliseconds(800), PrimaryText);
        _secondary.Behaviour = _ => FakeCall.After(TimeSpan.FromMilliseconds(400), SecondaryText);
        var reply = ReadAsync();

        _time.Advance(HedgeAfter);
        await _time.ArmedAsync(TimeSpan.FromMilliseconds(400)).WaitAsync(Settle);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(PrimaryText, await reply.WaitAsync(Settle));
        Assert.Equal(1, _secondary.Calls);
        await _secondary.CancelledAsync(1).WaitAsync(Settle);
        Assert.Equal(1, _secondary.Cancelled);
    }

    [Fact]
    public async Task Stream_BothFail_ThrowsTheErrorOfTheLastToFail()
    {
        _primary.Behaviour = _ => FakeCall.Fails(new IOException("primary broke"));
        _secondary.Behaviour = _ => FakeCall.Fails(new HttpRequestException("secondary refused"), after: TimeSpan.FromMilliseconds(100));
        var reply = ReadAsync();

        await _time.ArmedAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(Settle);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => reply.WaitAsync(Settle));
        Assert.Equal("secondary refused", thrown.Message);
    }

    [Fact]
    public async Task Stream_PrimaryStreamsAfterWinning_EveryUpdateInOrder()
    {
        _primary.Behaviour = _ => FakeCall.Ok(PrimaryText) with { Usage = (12, 5) };
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in _hedging.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).WithCancellation(CancellationToken.None))
        {
            updates.Add(update);
        }

        Assert.Equal(PrimaryText, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(12, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.InputTokenCount);
    }

    [Fact]
    public async Task Reply_PrimarySilent_CandidateWaitsTheHedgeDelayOnly()
    {
        _primary.Behaviour = _ => FakeCall.Silent();
        var reply = ReplyAsync();

        _time.Advance(HedgeAfter);

        var answered = await reply.WaitAsync(Settle);
        Assert.Equal(SecondaryText, answered.Text);
        Assert.Equal(HedgeAfter, answered.FirstToken);
    }

    [Fact]
    public async Task Reply_BothSilent_FallsBackAtTheFirstTokenDeadline()
    {
        _primary.Behaviour = _ => FakeCall.Silent();
        _secondary.Behaviour = _ => FakeCall.Silent();
        var reply = ReplyAsync();

        _time.Advance(HedgeAfter);
        await _secondary.StartedAsync(1).WaitAsync(Settle);
        _time.Advance(TimeSpan.FromMilliseconds(1500) - HedgeAfter - Tick);
        Assert.False(reply.IsCompleted);
        _time.Advance(Tick);

        var fallback = await reply.WaitAsync(Settle);
        Assert.Equal("first_token_deadline: no first token within 1500 ms", fallback.FallbackCause);
        await _primary.CancelledAsync(1).WaitAsync(Settle);
        Assert.Equal(1, _primary.Cancelled);
        await _secondary.CancelledAsync(1).WaitAsync(Settle);
        Assert.Equal(1, _secondary.Cancelled);
    }

    // A model reply through the hedging client, its deadlines starting now (first token by 1500 ms).
    private Task<InterviewerReply> ReplyAsync() =>
        new ModelCall(_hedging, Options.Create(new InterviewerOptions { Provider = "openai" }), _time, TestInstruments.Create())
            .ReplyAsync([], new ChatOptions(), TurnDeadline.Of(_time.GetTimestamp(), 1500, 2000), "Fallback?", null, CancellationToken.None);

    // The whole reply's text.
    private async Task<string> ReadAsync()
    {
        var text = "";
        await foreach (var update in _hedging.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
            text += update.Text;
        }

        return text;
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Promptly.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Interviews;

/// <summary>
/// Deadlines, retries, backoff and the circuit breaker of one model reply, on a fake clock advanced by hand: each wait
/// is checked to end exactly when it should, not a tick earlier, whatever the machine's load.
/// </summary>
public sealed class ModelCallTests
{
    private const string Fallback = "What did you think of the taste?";
    private const string Spoken = "Why does that matter to you?";
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // A hang guard only: every step completes in microseconds once the fake clock allows it.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private readonly ObservedTimeProvider _time = new();
    private readonly FakeChatClient _provider;

    public ModelCallTests() => _provider = new FakeChatClient(_time);

    [Fact]
    public async Task Reply_ProviderAnswers_ModelTextWithFirstTokenAndUsage()
    {
        _provider.Behaviour = _ => FakeCall.After(TimeSpan.FromMilliseconds(300)) with { Usage = (57, 6) };
        var reply = Reply(Model());

        _time.Advance(TimeSpan.FromMilliseconds(300));

        var answered = await reply.WaitAsync(Settle);
        Assert.Equal(Spoken, answered.Text);
        Assert.Null(answered.FallbackCause);
        Assert.Equal(TimeSpan.FromMilliseconds(300), answered.FirstToken);
        Assert.Equal(57, answered.PromptTokens);
        Assert.Equal(6, answered.CompletionTokens);
    }

    [Fact]
    public async Task Reply_TransientFailures_RetriedAfterDoublingDelaysAndFirstTokenCountsThem()
    {
        _provider.Behaviour = n => n < 3 ? FakeCall.Fails(new HttpRequestException("connection refused")) : FakeCall.Ok();
        var reply = Reply(Model(o => o.MaxRetries = 3));
        Assert.Equal(1, _provider.Calls);

        // Waits of 100, 200 and 400 ms: each retry leaves exactly when its wait is over.
        foreach (var (wait, calls) in new[] { (100, 2), (200, 3), (400, 4) })
        {
            await _time.ArmedAsync(TimeSpan.FromMilliseconds(wait)).WaitAsync(Settle);
            _time.Advance(TimeSpan.FromMilliseconds(wait) - Tick);
            Assert.Equal(calls - 1, _provider.Calls);
            _time.Advance(Tick);
            await _provider.StartedAsync(calls).WaitAsync(Settle);
        }

        var answered = await reply.WaitAsync(Settle);
        Assert.Equal(Spoken, answered.Text);
        Assert.Equal(TimeSpan.FromMilliseconds(700), answered.FirstToken);
    }

    [Fact]
    public async Task Reply_RetryDelayZero_RetriesAtOnce()
    {
        _provider.Behaviour = n => n < 2 ? FakeCall.Status(500) : FakeCall.Ok();

        var answered = await Reply(Model(o => o.RetryDelayMs = 0)).WaitAsync(Settle);

        Assert.Equal(Spoken, answered.Text);
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task Reply_FailsEveryTime_FallsBackAfterMaxRetriesWithAttemptCount()
    {
        _provider.Behaviour = _ => FakeCall.Fails(new InvalidDataException("malformed chunk"));
        var reply = Reply(Model());

        await AdvanceWhenArmedAsync(TimeSpan.FromMilliseconds(100));
        await AdvanceWhenArmedAsync(TimeSpan.FromMilliseconds(200));

        var fallback = await reply.WaitAsync(Settle);
        Assert.Equal(Fallback, fallback.Text);
        Assert.Equal("provider_error: InvalidDataException: malformed chunk (3 attempts)", fallback.FallbackCause);
        Assert.Null(fallback.FirstToken);
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task Reply_RetryAfterGiven_WaitsForItInsteadOfTheBackoff()
    {
        _provider.Behaviour = n => n == 0 ? FakeCall.Status(429, retryAfter: "0.5") : FakeCall.Ok();
        var reply = Reply(Model());

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(1, _provider.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(Spoken, (await reply.WaitAsync(Settle)).Text);
        Assert.Equal(2, _provider.Calls);
    }

    [Fact]
    public async Task Reply_RetryAfterEndsPastFirstTokenDeadline_FallsBackAtOnceWithoutRetry()
    {
        _provider.Behaviour = _ => FakeCall.Status(429, retryAfter: "30");

        // The clock never moves: the fallback does not wait for a retry that could not help.
        var fallback = await Reply(Model()).WaitAsync(Settle);

        Assert.Equal("rate_limited: HTTP 429, retry after 30000 ms", fallback.FallbackCause);
        Assert.Equal(1, _provider.Calls);
    }

    [Fact]
    public async Task Reply_BackoffEndsPastFirstTokenDeadline_FallsBackWhenTheRetryWouldNotFit()
    {
        _provider.Behaviour = _ => FakeCall.Status(503);
        // Deadline 250 ms: the first wait (100 ms) fits, the second (200 ms, from 100 ms) would end at 300 ms and does not.
        var reply = Reply(Model(), fallbackAfterMs: 250);

        // The clock stops at 100 ms: the reply cannot be waiting for the second wait to end.
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal("provider_error: HTTP 503 (2 attempts)", (await reply.WaitAsync(Settle)).FallbackCause);
        Assert.Equal(2, _provider.Calls);
    }

    [Fact]
    public async Task Reply_ClientErrorStatus_FallsBackWithoutRetry()
    {
        _provider.Behaviour = n => n == 0 ? FakeCall.Status(401) : FakeCall.Ok();

        var fallback = await Reply(Model()).WaitAsync(Settle);

        Assert.Equal("provider_error: HTTP 401", fallback.FallbackCause);
        Assert.Equal(1, _provider.Calls);
    }

    [Fact]
    public async Task Reply_NoFirstTokenBeforeDeadline_FallsBackAtTheDeadlineAndCancelsTheCall()
    {
        _provider.Behaviour = _ => FakeCall.Silent();
        var sink = new RecordingSink();
        var reply = Reply(Model(), sink, fallbackAfterMs: 1500);

        _time.Advance(TimeSpan.FromMilliseconds(1500) - Tick);
        Assert.False(reply.IsCompleted);
        Assert.Equal(0, _provider.Cancelled);
        _time.Advance(Tick);

        var fallback = await reply.WaitAsync(Settle);
        Assert.Equal(Fallback, fallback.Text);
        Assert.Equal("first_token_deadline: no first token within 1500 ms", fallback.FallbackCause);
        Assert.Equal(1, _provider.Calls);
        await _provider.CancelledAsync(1).WaitAsync(Settle);
        Assert.Equal(1, _provider.Cancelled);
        Assert.Equal(["+" + Fallback], sink.Events);
    }

    [Fact]
    public async Task Reply_ReplyCrawlsAfterFirstToken_FallsBackAtTheCompleteDeadline()
    {
        _provider.Behaviour = _ => new FakeCall { TokenDelay = Timeout.InfiniteTimeSpan };
        var sink = new RecordingSink();
        // The whole reply by 90% of the 2000 ms budget.
        var reply = Reply(Model(), sink, thresholdMs: 2000);

        _time.Advance(TimeSpan.FromMilliseconds(1800) - Tick);
        Assert.False(reply.IsCompleted);
        _time.Advance(Tick);

        var fallback = await reply.WaitAsync(Settle);
        Assert.Equal("stream_deadline: the reply did not finish within 1800 ms", fallback.FallbackCause);
        // The word already sent is taken back before the fallback's text.
        Assert.Equal(["+Why", "reset", "+" + Fallback], sink.Events);
        Assert.Equal(1, _provider.Calls);
    }

    [Fact]
    public async Task Reply_StreamBrokenMidway_SinkResetThenRetryAnswers()
    {
        _provider.Behaviour = n => n == 0 ? new FakeCall { Text = "Half said", FailureAfterFirstWord = new IOException("connection reset") } : FakeCall.Ok("Fine, go on.");
        var sink = new RecordingSink();
        var reply = Reply(Model(), sink);

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal("Fine, go on.", (await reply.WaitAsync(Settle)).Text);
        Assert.Equal(["+Half", "reset", "+Fine,", "+ go", "+ on."], sink.Events);
    }

    [Fact]
    public async Task Reply_EmptyReply_RetriedAsAFailure()
    {
        _provider.Behaviour = n => n == 0 ? FakeCall.Ok(" ") : FakeCall.Ok();
        var reply = Reply(Model());

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(Spoken, (await reply.WaitAsync(Settle)).Text);
        Assert.Equal(2, _provider.Calls);
    }

    [Fact]
    public async Task Reply_DeadlinePassedBeforeTheCall_FallsBackWithoutCallingTheProvider()
    {
        var deadline = TurnDeadline.Of(_time.GetTimestamp(), 1500, 2000);
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        var fallback = await Model().ReplyAsync([], new ChatOptions(), deadline, Fallback, null, CancellationToken.None);

        Assert.Equal("first_token_deadline: no first token within 1500 ms", fallback.FallbackCause);
        Assert.Equal(0, _provider.Calls);
    }

    [Fact]
    public async Task Reply_DeadlinePassedBeforeTheCall_NotFedToTheBreaker()
    {
        var model = BreakingModel();
        _provider.Behaviour = n => n == 0 ? FakeCall.Status(500) : FakeCall.Ok();
        var late = TurnDeadline.Of(_time.GetTimestamp(), 1500, 2000);
        _time.Advance(TimeSpan.FromSeconds(2));

        // Counted as a failure or as a success, the late reply would make one failure in two calls and open the circuit.
        Assert.StartsWith("first_token_deadline", (await model.ReplyAsync([], new ChatOptions(), late, Fallback, null, CancellationToken.None)).FallbackCause, StringComparison.Ordinal);
        Assert.StartsWith("provider_error", (await Reply(model)).FallbackCause, StringComparison.Ordinal);

        var answered = await Reply(model);

        Assert.Null(answered.FallbackCause);
        Assert.Equal(2, _provider.Calls);
    }

    [Fact]
    public async Task Reply_ProviderKeepsFailing_BreakerAnswersWithoutCallingThenProbesAfterTheBreak()
    {
        var model = BreakingModel();
        _provider.Behaviour = _ => FakeCall.Status(500);
        Assert.StartsWith("provider_error", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        Assert.StartsWith("provider_error", (await Reply(model)).FallbackCause, StringComparison.Ordinal);

        Assert.Equal("circuit_open: the provider kept failing; not called", (await Reply(model)).FallbackCause);
        _time.Advance(TimeSpan.FromSeconds(15) - Tick);
        Assert.StartsWith("circuit_open", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        Assert.Equal(2, _provider.Calls);

        // Once the break is over one call probes the provider; it answers, so the model is back.
        _provider.Behaviour = _ => FakeCall.Ok();
        _time.Advance(Tick);
        Assert.Equal(Spoken, (await Reply(model)).Text);
        Assert.Equal(3, _provider.Calls);
    }

    [Fact]
    public async Task Reply_SlowRepliesMissTheirDeadline_CountAsFailuresForTheBreaker()
    {
        var model = Model(o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
        });
        _provider.Behaviour = _ => FakeCall.Silent();
        for (var i = 0; i < 2; i++)
        {
            var reply = Reply(model, fallbackAfterMs: 500);
            _time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.StartsWith("first_token_deadline", (await reply.WaitAsync(Settle)).FallbackCause, StringComparison.Ordinal);
        }

        Assert.StartsWith("circuit_open", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        Assert.Equal(2, _provider.Calls);
    }

    [Fact]
    public async Task Reply_CallerCancels_ThrowsWithoutFallback()
    {
        _provider.Behaviour = _ => FakeCall.Silent();
        using var cancel = new CancellationTokenSource();
        var reply = Model().ReplyAsync([], new ChatOptions(), TurnDeadline.Of(_time.GetTimestamp(), 1500, 2000), Fallback, null, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reply.WaitAsync(Settle));
        Assert.Equal(1, _provider.Calls);
    }

    [Fact]
    public async Task Reply_CallerCancelsTheProbe_CircuitBreaksAgainInsteadOfClosing()
    {
        var model = BreakingModel();
        _provider.Behaviour = n => n < 2 ? FakeCall.Status(500) : n == 2 ? FakeCall.Silent() : FakeCall.Ok();
        Assert.StartsWith("provider_error", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        Assert.StartsWith("provider_error", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(15));

        // The probe's caller leaves before the provider says anything: no evidence that the provider is back.
        using var cancel = new CancellationTokenSource();
        var probe = model.ReplyAsync([], new ChatOptions(), TurnDeadline.Of(_time.GetTimestamp(), 1500, 2000), Fallback, null, cancel.Token);
        await _provider.StartedAsync(3).WaitAsync(Settle);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(Settle));

        // Closed by the abandoned probe, the circuit would call the provider now; broken again, it answers without calling it.
        Assert.StartsWith("circuit_open", (await Reply(model)).FallbackCause, StringComparison.Ordinal);
        Assert.Equal(3, _provider.Calls);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(Spoken, (await Reply(model)).Text);
        Assert.Equal(4, _provider.Calls);
    }

    private async Task AdvanceWhenArmedAsync(TimeSpan wait)
    {
        await _time.ArmedAsync(wait).WaitAsync(Settle);
        _time.Advance(wait);
    }

    // No retries, and a breaker that opens once half of at least two calls failed, for 15 s.
    private ModelCall BreakingModel() => Model(o =>
    {
        o.MaxRetries = 0;
        o.BreakerMinimumThroughput = 2;
        o.BreakerFailureRatio = 0.5;
        o.BreakerBreakSeconds = 15;
    });

    private ModelCall Model(Action<InterviewerOptions>? configure = null)
    {
        var options = new InterviewerOptions { Provider = "openai", MaxRetries = 2, RetryDelayMs = 100 };
        configure?.Invoke(options);
        return new ModelCall(_provider, Options.Create(options), _time, TestInstruments.Create());
    }

    // A reply whose deadlines start now.
    private Task<InterviewerReply> Reply(ModelCall model, RecordingSink? sink = null, double fallbackAfterMs = 1500, double thresholdMs = 2000) =>
        model.ReplyAsync([new ChatMessage(ChatRole.User, "I like it.")], new ChatOptions(), TurnDeadline.Of(_time.GetTimestamp(), fallbackAfterMs, thresholdMs), Fallback, sink, CancellationToken.None);
}

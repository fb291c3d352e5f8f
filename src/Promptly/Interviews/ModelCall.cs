using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.AI;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Promptly.Observability;

namespace Promptly.Interviews;

/// <summary>
/// Streams one model reply under the response's deadlines: retries transient failures while the first-token deadline
/// leaves room (honouring Retry-After), stops calling a provider that keeps failing (circuit breaker, probing again
/// after <see cref="InterviewerOptions.BreakerBreakSeconds"/>), and when no reply fits, answers with the fallback
/// text and says why. It never throws for the provider's sake, only when the caller cancels.
/// </summary>
/// <remarks>Thread-safe: one pipeline (and so one breaker) is shared by every session of this server.</remarks>
internal sealed class ModelCall
{
    private static readonly ResiliencePropertyKey<Call> CallKey = new("Promptly.ModelCall");

    private readonly IChatClient _chat;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _breaker;
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private readonly PromptlyInstruments _instruments;
    private readonly string _provider;

    public ModelCall(IChatClient chat, IOptions<InterviewerOptions> options, TimeProvider time, PromptlyInstruments instruments)
    {
        _chat = chat;
        _time = time;
        _instruments = instruments;
        var settings = options.Value;
        _provider = settings.Provider;
        instruments.Observe("promptly.provider.breaker.state", "1", "The model provider's circuit breaker: 0 closed, 1 open (not called), 2 half-open (probing).",
            () => [new Measurement<long>(BreakerState(_breakerState.CircuitState), new KeyValuePair<string, object?>(PromptlyInstruments.Provider, _provider))]);
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(settings.RetryDelayMs),
                // Without jitter the waits are the documented ones (RetryDelayMs, doubling); the breaker, not jitter,
                // is what spares a provider that many sessions are retrying at once.
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(
                    settings.MaxRetries > 0 && args.Outcome.Exception is ProviderCallException { Retryable: true }),
                // The provider's Retry-After wins; none (null) leaves Polly's exponential delay.
                DelayGenerator = args => ValueTask.FromResult(((ProviderCallException)args.Outcome.Exception!).RetryAfter),
                OnRetry = args =>
                {
                    // A wait that ends after the first-token deadline cannot help: fall back at once, with this failure as the cause.
                    var call = args.Context.Properties.GetValue(CallKey, null!);
                    if (args.RetryDelay >= call.Deadline.UntilFirstToken(time)) ExceptionDispatchInfo.Throw(args.Outcome.Exception!);
                    instruments.ProviderRetry(_provider);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        // Apart from the retries so that an attempt the deadline forbids is not run through it (see AttemptAsync).
        _breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = settings.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(settings.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(settings.BreakerBreakSeconds),
                // Polly counts every outcome it does not handle as a success, so a half-open probe abandoned by its
                // caller (the candidate left) would close the circuit on no evidence; it breaks again instead, and
                // the next probe comes after another break. While closed, such a call counts as a success: it only
                // dilutes the failure ratio, and only callers who leave mid-call make it.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderCallException
                    || args.Outcome.Exception is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested
                    && _breakerState.CircuitState == CircuitState.HalfOpen),
                StateProvider = _breakerState,
            })
            .Build();
    }

    /// <summary>The model's reply, or <paramref name="fallbackText"/> with the cause when none came in time.</summary>
    /// <param name="messages">The prompt.</param>
    /// <param name="chatOptions">The model and the step.</param>
    /// <param name="deadline">When the first token, and the whole reply, must have come.</param>
    /// <param name="fallbackText">What the reply says when the model does not answer in time.</param>
    /// <param name="sink">
    /// Gets each piece as it arrives; an attempt that fails after sending pieces is followed by a reset before the
    /// retry's pieces or the fallback's text (one piece). Writes are not bound by the deadlines, so a frame is never
    /// cut in half; a client that reads slowly delays its own reply only.
    /// </param>
    /// <param name="cancellationToken">The request's.</param>
    public async Task<InterviewerReply> ReplyAsync(
        IReadOnlyList<ChatMessage> messages, ChatOptions chatOptions, TurnDeadline deadline, string fallbackText, IReplySink? sink, CancellationToken cancellationToken)
    {
        var call = new Call(this, messages, chatOptions, deadline, _time.GetTimestamp(), new ReplyPieces(sink));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallKey, call);
        string cause;
        try
        {
            return await _retry.ExecuteAsync(static (context, call) => call.Owner.AttemptAsync(call, context.CancellationToken), context, call);
        }
        catch (ProviderCallException e)
        {
            var attempts = call.Attempts;
            cause = $"{e.Cause}: {e.Message}{(attempts > 1 ? $" ({attempts} attempts)" : "")}";
        }
        catch (BrokenCircuitException)
        {
            cause = $"{FallbackCauses.CircuitOpen}: the provider kept failing; not called";
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        await call.Pieces.ReplaceAsync(fallbackText, cancellationToken);
        return new InterviewerReply(fallbackText, FallbackCause: cause);
    }

    private async ValueTask<InterviewerReply> AttemptAsync(Call call, CancellationToken cancellationToken)
    {
        // An attempt the deadline leaves no time for never reaches the provider: it is not the provider's failure, so
        // it neither counts as an attempt nor feeds the breaker (which would count it as a failure, or as a success).
        var untilFirst = call.Deadline.UntilFirstToken(_time);
        if (untilFirst <= TimeSpan.Zero) throw ProviderCallException.Deadline(sawFirstToken: false, call.Deadline);
        try
        {
            var reply = await _breaker.ExecuteAsync(static (state, token) => state.call.Owner.CallProviderAsync(state.call, state.untilFirst, token), (call, untilFirst), cancellationToken);
            _instruments.ProviderCall(_provider, "ok");
            return reply;
        }
        catch (ProviderCallException e)
        {
            _instruments.ProviderCall(_provider, e.Cause);
            throw;
        }
        catch (BrokenCircuitException)
        {
            _instruments.ProviderCall(_provider, FallbackCauses.CircuitOpen);
            throw;
        }
    }

    private static long BreakerState(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 2,
        _ => 1,
    };

    private async ValueTask<InterviewerReply> CallProviderAsync(Call call, TimeSpan untilFirst, CancellationToken cancellationToken)
    {
        call.Attempts++;
        await call.Pieces.RestartAsync(cancellationToken);
        using var deadline = new CancellationTokenSource(untilFirst, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var text = new StringBuilder();
        long? firstToken = null;
        int? prompt = null, completion = null;
        try
        {
            await foreach (var update in _chat.GetStreamingResponseAsync(call.Messages, call.Options, linked.Token).WithCancellation(linked.Token))
            {
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent usage)
                    {
                        prompt = (int?)usage.Details.InputTokenCount ?? prompt;
                        completion = (int?)usage.Details.OutputTokenCount ?? completion;
                    }
                }

                var piece = update.Text;
                if (string.IsNullOrEmpty(piece)) continue;
                if (firstToken is null)
                {
                    firstToken = _time.GetTimestamp();
                    var untilComplete = call.Deadline.UntilComplete(_time);
                    if (untilComplete <= TimeSpan.Zero) throw ProviderCallException.Deadline(sawFirstToken: true, call.Deadline);
                    deadline.CancelAfter(untilComplete);
                }

                text.Append(piece);
                await call.Pieces.AppendAsync(piece, cancellationToken);
            }
        }
        catch (ProviderCallException)
        {
            throw;
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderCallException.Deadline(firstToken is not null, call.Deadline);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderCallException.Classify(e, _time);
        }

        var reply = text.ToString().Trim();
        if (reply.Length == 0)
        {
            throw ProviderCallException.Classify(new InvalidDataException("the model answered with no text"), _time);
        }

        // Retries before the successful attempt count towards the first token: it is what the candidate waited for.
        var toFirstToken = _time.GetElapsedTime(call.Started, firstToken!.Value);
        return new InterviewerReply(reply, toFirstToken, prompt, completion);
    }

    /// <summary>One reply's call across its attempts; <see cref="Started"/> is when the first attempt began.</summary>
    private sealed class Call(ModelCall owner, IReadOnlyList<ChatMessage> messages, ChatOptions options, TurnDeadline deadline, long started, ReplyPieces pieces)
    {
        public ReplyPieces Pieces { get; } = pieces;
        public ModelCall Owner { get; } = owner;
        public IReadOnlyList<ChatMessage> Messages { get; } = messages;
        public ChatOptions Options { get; } = options;
        public TurnDeadline Deadline { get; } = deadline;
        public long Started { get; } = started;
        public int Attempts { get; set; }
    }
}

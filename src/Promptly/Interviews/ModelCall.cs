using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

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
    private readonly IChatClient _chat;
    private readonly TimeProvider _time;
    private readonly InterviewerOptions _options;
    private readonly ResiliencePipeline _pipeline;

    public ModelCall(IChatClient chat, IOptions<InterviewerOptions> options, TimeProvider time)
    {
        _chat = chat;
        _time = time;
        _options = options.Value;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                ShouldHandle = args => ValueTask.FromResult(
                    _options.MaxRetries > 0 && args.Outcome.Exception is ProviderCallException { RetryIn: not null }),
                DelayGenerator = args => ValueTask.FromResult(((ProviderCallException)args.Outcome.Exception!).RetryIn),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = _options.BreakerFailureRatio,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(_options.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(_options.BreakerBreakSeconds),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderCallException),
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
        string cause;
        try
        {
            return await _pipeline.ExecuteAsync(static (call, token) => call.Owner.AttemptAsync(call, token), call, cancellationToken);
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

        await call.Pieces.ReplaceAsync(fallbackText, cancellationToken);
        return new InterviewerReply(fallbackText, FallbackCause: cause);
    }

    private async ValueTask<InterviewerReply> AttemptAsync(Call call, CancellationToken cancellationToken)
    {
        var attempt = ++call.Attempts;
        var untilFirst = call.Deadline.UntilFirstToken(_time);
        if (untilFirst <= TimeSpan.Zero) throw ProviderCallException.Deadline(sawFirstToken: false, call.Deadline);

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
            throw ProviderCallException.Classify(e, Backoff(attempt), call.Deadline.UntilFirstToken(_time), _time);
        }

        var reply = text.ToString().Trim();
        if (reply.Length == 0)
        {
            throw ProviderCallException.Classify(new InvalidDataException("the model answered with no text"), Backoff(attempt), call.Deadline.UntilFirstToken(_time), _time);
        }

        // Retries before the successful attempt count towards the first token: it is what the candidate waited for.
        var toFirstToken = _time.GetElapsedTime(call.Started, firstToken!.Value);
        return new InterviewerReply(reply, toFirstToken, prompt, completion);
    }

    private TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(_options.RetryDelayMs * Math.Pow(2, Math.Min(attempt - 1, 10)));

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

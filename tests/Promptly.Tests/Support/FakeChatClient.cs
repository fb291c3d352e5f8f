using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Promptly.Tests.Support;

/// <summary>What one call to a <see cref="FakeChatClient"/> does; every wait is in the client's fake time.</summary>
public sealed record FakeCall
{
    /// <summary>Streamed word by word, one update each.</summary>
    public string Text { get; init; } = "Why does that matter to you?";

    /// <summary>Fake time before the first word, or before <see cref="Failure"/>; infinite: silent until cancelled.</summary>
    public TimeSpan FirstTokenDelay { get; init; }

    /// <summary>Fake time between words; infinite: silent after the first word until cancelled.</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>Thrown after <see cref="FirstTokenDelay"/> instead of any word.</summary>
    public Exception? Failure { get; init; }

    /// <summary>Thrown right after the first word, as a stream broken mid-way.</summary>
    public Exception? FailureAfterFirstWord { get; init; }

    /// <summary>Token counts sent in a last update, as OpenAI's usage chunk.</summary>
    public (int Prompt, int Completion)? Usage { get; init; }

    public static FakeCall Ok(string? text = null) => text is null ? new() : new() { Text = text };

    public static FakeCall Fails(Exception failure, TimeSpan? after = null) => new() { Failure = failure, FirstTokenDelay = after ?? TimeSpan.Zero };

    /// <summary>An HTTP error from the provider, as the OpenAI SDK throws it.</summary>
    public static FakeCall Status(int status, string? retryAfter = null) => Fails(HttpFailure(status, retryAfter));

    public static FakeCall Silent() => new() { FirstTokenDelay = Timeout.InfiniteTimeSpan };

    public static FakeCall After(TimeSpan firstToken, string? text = null) => (text is null ? new FakeCall() : Ok(text)) with { FirstTokenDelay = firstToken };

    public static ClientResultException HttpFailure(int status, string? retryAfter = null) => new(new StatusResponse(status, retryAfter));

    /// <summary>A failed HTTP response with an optional Retry-After header.</summary>
    private sealed class StatusResponse(int status, string? retryAfter) : PipelineResponse
    {
        private Stream? _content;

        public override int Status => status;

        public override string ReasonPhrase => $"fake {status}";

        protected override PipelineResponseHeaders HeadersCore { get; } = new FakeHeaders(retryAfter);

        public override Stream? ContentStream
        {
            get => _content;
            set => _content = value;
        }

        public override BinaryData Content => BinaryData.FromString("");

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Content);

        public override void Dispose() => _content?.Dispose();

        private sealed class FakeHeaders(string? retryAfter) : PipelineResponseHeaders
        {
            public override bool TryGetValue(string name, out string? value)
            {
                value = string.Equals(name, "Retry-After", StringComparison.OrdinalIgnoreCase) ? retryAfter : null;
                return value is not null;
            }

            public override bool TryGetValues(string name, out IEnumerable<string>? values)
            {
                values = TryGetValue(name, out var value) ? [value!] : null;
                return values is not null;
            }

            public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
            {
                if (retryAfter is not null) yield return new("Retry-After", retryAfter);
            }
        }
    }
}

/// <summary>
/// An in-process provider on a <see cref="FakeTimeProvider"/>: call number n (from 0) does what <see cref="Behaviour"/>
/// says. Nothing waits unless the test advances the clock, and a call with no delay completes (or fails) synchronously.
/// </summary>
public sealed class FakeChatClient(FakeTimeProvider time) : IChatClient
{
    private readonly object _gate = new();
    private readonly List<TaskCompletionSource> _started = [];
    private readonly List<TaskCompletionSource> _cancellations = [];
    private readonly List<DateTimeOffset> _startTimes = [];
    private int _calls;
    private int _cancelled;

    public Func<int, FakeCall> Behaviour { get; set; } = _ => FakeCall.Ok();

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls whose token was cancelled while they were running.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>The fake time at which each call began.</summary>
    public IReadOnlyList<DateTimeOffset> StartTimes
    {
        get
        {
            lock (_gate) return [.. _startTimes];
        }
    }

    /// <summary>Completes once call number <paramref name="n"/> (from 1) has begun.</summary>
    public Task StartedAsync(int n)
    {
        lock (_gate)
        {
            return Signal(_started, n).Task;
        }
    }

    /// <summary>
    /// Completes once <paramref name="n"/> calls have seen their token cancelled. A call's cancellation can reach it
    /// on another thread after its caller has already moved on (a loaded machine's thread pool decides), so a test
    /// waits for it rather than reading <see cref="Cancelled"/> at once.
    /// </summary>
    public Task CancelledAsync(int n)
    {
        lock (_gate)
        {
            return Signal(_cancellations, n).Task;
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = Behaviour(Begin() - 1);
        using var cancelled = cancellationToken.Register(OnCancelled);
        await WaitAsync(call.FirstTokenDelay, cancellationToken).ConfigureAwait(false);
        if (call.Failure is not null) throw call.Failure;
        var words = call.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0) await WaitAsync(call.TokenDelay, cancellationToken).ConfigureAwait(false);
            yield return new ChatResponseUpdate(ChatRole.Assistant, (i == 0 ? "" : " ") + words[i]);
            if (i == 0 && call.FailureAfterFirstWord is not null) throw call.FailureAfterFirstWord;
        }

        if (call.Usage is var (prompt, completion))
        {
            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(new UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion })] };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private int Begin()
    {
        lock (_gate)
        {
            var n = ++_calls;
            _startTimes.Add(time.GetUtcNow());
            Signal(_started, n).TrySetResult();
            return n;
        }
    }

    private void OnCancelled()
    {
        lock (_gate)
        {
            Signal(_cancellations, ++_cancelled).TrySetResult();
        }
    }

    // The signal for the n-th event (from 1) of one kind, made on first use by whichever side comes first.
    private static TaskCompletionSource Signal(List<TaskCompletionSource> signals, int n)
    {
        while (signals.Count < n) signals.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return signals[n - 1];
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay == TimeSpan.Zero)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        // On the fake clock: fires only when the test advances time past it, never by waiting.
        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Records what a reply sink is told: each piece as <c>+piece</c>, each reset as <c>reset</c>.</summary>
public sealed class RecordingSink : Promptly.Interviews.IReplySink
{
    public List<string> Events { get; } = [];

    public TimeSpan WriteTime => TimeSpan.Zero;
    public string CompletePhase => Promptly.Latency.LatencyPhases.Stream;

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WriteAsync(string piece, CancellationToken cancellationToken)
    {
        lock (Events) Events.Add("+" + piece);
        return ValueTask.CompletedTask;
    }

    public ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        lock (Events) Events.Add("reset");
        return ValueTask.CompletedTask;
    }
}

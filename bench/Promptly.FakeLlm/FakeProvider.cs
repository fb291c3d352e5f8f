using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Promptly.FakeLlm;

/// <summary>
/// Answers <c>POST /v1/chat/completions</c> as an OpenAI-compatible provider of known speed: <see cref="Mode"/>'s
/// first-token wait, then its tokens one wait apart, streamed as <c>text/event-stream</c> chunks ending in
/// <c>data: [DONE]</c> (with a usage chunk first when <c>stream_options.include_usage</c> asks). Each call's own time is
/// logged, so a caller's overhead around it can be computed.
/// </summary>
/// <remarks>Thread-safe: calls run concurrently; the mode is swapped as one reference, the log is a concurrent queue.</remarks>
public sealed class FakeProvider(ProviderMode initial, TimeProvider time)
{
    /// <summary>Calls kept for <c>GET /admin/calls</c>; later ones are counted but not kept, so memory stays bounded.</summary>
    public const int MaxLogged = 200_000;

    private ProviderMode _mode = initial;
    private readonly ConcurrentQueue<ProviderCall> _calls = new();
    private int _count;

    public ProviderMode Mode
    {
        get => Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, value);
    }

    public ProviderCall[] Calls => [.. _calls];

    public int Count => Volatile.Read(ref _count);

    public async Task CompleteAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var number = Interlocked.Increment(ref _count);
        var mode = Mode;
        var aborted = context.RequestAborted;
        long? firstToken = null;
        var outcome = "aborted";
        try
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted))?.AsObject() ?? [];
            var stream = body["stream"]?.GetValue<bool>() ?? false;
            var usage = body["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;
            var promptTokens = PromptTokens(body);
            var fail = Random.Shared.NextDouble() < mode.FailRatio;
            var stall = !fail && Random.Shared.NextDouble() < mode.StallRatio;

            await Wait(mode.FirstTokenMs, started, aborted);
            if (fail)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("""{"error":{"message":"fake provider failure","type":"server_error"}}""", aborted);
                outcome = "failed";
                return;
            }

            if (!stream)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(mode.TokenMs * (mode.Tokens - 1) + (stall ? mode.StallMs : 0)), time, aborted);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    $$"""{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"fake","choices":[{"index":0,"message":{"role":"assistant","content":"{{Reply(mode.Tokens)}}"},"finish_reason":"stop"}],"usage":{{Usage(promptTokens, mode.Tokens)}}}""",
                    aborted);
                firstToken = time.GetTimestamp();
                outcome = stall ? "stalled" : "ok";
                return;
            }

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            for (var i = 0; i < mode.Tokens; i++)
            {
                if (i > 0) await Task.Delay(TimeSpan.FromMilliseconds(mode.TokenMs), time, aborted);
                if (i == 1 && stall) await Task.Delay(TimeSpan.FromMilliseconds(mode.StallMs), time, aborted);
                await SendAsync(context, Chunk($$"""{"content":"{{(i == 0 ? "" : " ") + Word(i)}}"}""", "null"), aborted);
                firstToken ??= time.GetTimestamp();
            }

            await SendAsync(context, Chunk("{}", "\"stop\""), aborted);
            if (usage) await SendAsync(context, $$"""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake","choices":[],"usage":{{Usage(promptTokens, mode.Tokens)}}}""", aborted);
            await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            outcome = stall ? "stalled" : "ok";
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller gave up (its deadline): logged as aborted with the time it waited.
        }
        finally
        {
            var call = new ProviderCall(number, startedAt, firstToken is { } f ? Ms(time.GetElapsedTime(started, f)) : null,
                Ms(time.GetElapsedTime(started)), outcome, mode.FirstTokenMs);
            if (number <= MaxLogged) _calls.Enqueue(call);
        }
    }

    /// <summary>Waits until <paramref name="ms"/> after <paramref name="started"/>, so reading the body is inside the wait.</summary>
    private Task Wait(double ms, long started, CancellationToken cancellationToken)
    {
        var left = TimeSpan.FromMilliseconds(ms) - time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? Task.Delay(left, time, cancellationToken) : Task.CompletedTask;
    }

    private static double Ms(TimeSpan span) => Math.Round(span.TotalMilliseconds, 3);

    private static string Word(int i) => Words[i % Words.Length];

    private static readonly string[] Words =
        ["Thanks,", "that", "helps.", "Could", "you", "tell", "me", "more", "about", "how", "you", "decided", "what", "to", "do", "next", "and", "why", "it", "mattered?"];

    private static string Reply(int tokens) => string.Join(' ', Enumerable.Range(0, tokens).Select(Word));

    private static string Usage(int prompt, int completion) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"prompt_tokens":{{prompt}},"completion_tokens":{{completion}},"total_tokens":{{prompt + completion}}}""");

    /// <summary>About four characters a token, as OpenAI's rule of thumb has it.</summary>
    private static int PromptTokens(JsonObject body)
    {
        var chars = 0;
        if (body["messages"] is JsonArray messages)
        {
            foreach (var message in messages)
            {
                if (message?["content"] is JsonValue content && content.TryGetValue<string>(out var text)) chars += text.Length;
            }
        }

        return Math.Max(1, chars / 4);
    }

    private static string Chunk(string delta, string finish) =>
        $$"""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish}}}]}""";

    private static async Task SendAsync(HttpContext context, string json, CancellationToken cancellationToken)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {json}\n\n"), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}

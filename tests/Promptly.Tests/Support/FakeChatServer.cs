using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Promptly.Tests.Support;

/// <summary>How the fake server answers one call.</summary>
public sealed record FakeReply
{
    public string Text { get; init; } = "Thanks, tell me a little more about that?";

    /// <summary>Wait before the first token (or before the error status).</summary>
    public TimeSpan FirstTokenDelay { get; init; }

    /// <summary>Wait between words after the first.</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>An error status instead of a stream (500, 429, …).</summary>
    public int? Status { get; init; }

    /// <summary>Sent with the error status as Retry-After, in whole seconds.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Aborts the connection after the first word.</summary>
    public bool DropMidStream { get; init; }

    /// <summary>Sends a chunk that is not JSON after the first word.</summary>
    public bool Malformed { get; init; }

    /// <summary>Ends with a usage chunk (as OpenAI does when asked with stream_options.include_usage).</summary>
    public bool Usage { get; init; } = true;

    public int PromptTokens { get; init; } = 57;

    public static FakeReply Ok(string? text = null) => text is null ? new() : new() { Text = text };

    public static FakeReply Error(int status, int? retryAfterSeconds = null) => new() { Status = status, RetryAfterSeconds = retryAfterSeconds };
}

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (Kestrel, a free port) for tests: POST
/// <c>/v1/chat/completions</c> with <c>stream: true</c> answers <c>text/event-stream</c> chunks and <c>data: [DONE]</c>,
/// each call as <see cref="Behaviour"/> says (by the call's number, from 0). Requests are kept for assertions.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls = -1;

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>Chooses the reply of call number n; thread-safe as the server calls it concurrently.</summary>
    public Func<int, FakeReply> Behaviour { get; set; } = _ => FakeReply.Ok();

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls) + 1;

    public string Endpoint { get; private set; } = "";

    public static async Task<FakeChatServer> StartAsync()
    {
        var app = LoopbackApp.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        server.Endpoint = await LoopbackApp.StartAsync(app);
        return server;
    }

    /// <summary>
    /// The settings that point a Promptly server at this one. The first-token deadline is one no loaded machine can
    /// miss (these calls run in real time over loopback): a test about deadlines sets its own in <paramref name="more"/>.
    /// </summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Interviewer:Provider"] = "openai",
            ["Interviewer:Endpoint"] = Endpoint,
            ["Interviewer:Model"] = "fake-model",
            ["Interviewer:ApiKey"] = "test",
            ["Interviewer:FallbackAfterMs"] = "30000",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted))!.AsObject();
        Requests.Enqueue(body);
        var reply = Behaviour(Interlocked.Increment(ref _calls));
        if (reply.FirstTokenDelay > TimeSpan.Zero) await Task.Delay(reply.FirstTokenDelay, aborted);
        if (reply.Status is { } status)
        {
            context.Response.StatusCode = status;
            if (reply.RetryAfterSeconds is { } after) context.Response.Headers.RetryAfter = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"fake {status}", type = "server_error" } }, aborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var words = reply.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0 && reply.TokenDelay > TimeSpan.Zero) await Task.Delay(reply.TokenDelay, aborted);
            await SendAsync(context, Chunk(new JsonObject { ["content"] = (i == 0 ? "" : " ") + words[i] }, null), aborted);
            if (i == 0 && reply.DropMidStream)
            {
                context.Abort();
                return;
            }

            if (i == 0 && reply.Malformed)
            {
                await SendRawAsync(context, "data: {\"id\": \"chatcmpl-fake\", \"choices\": [{\"delta\": {\"content\": \n\n", aborted);
                return;
            }
        }

        await SendAsync(context, Chunk(new JsonObject(), "stop"), aborted);
        if (reply.Usage)
        {
            var usage = Chunk(null, null);
            usage["usage"] = new JsonObject { ["prompt_tokens"] = reply.PromptTokens, ["completion_tokens"] = words.Length, ["total_tokens"] = reply.PromptTokens + words.Length };
            await SendAsync(context, usage, aborted);
        }

        await SendRawAsync(context, "data: [DONE]\n\n", aborted);
    }

    private static JsonObject Chunk(JsonObject? delta, string? finish)
    {
        var choices = new JsonArray();
        if (delta is not null) choices.Add(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish });
        return new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = "fake-model",
            ["choices"] = choices,
        };
    }

    private static Task SendAsync(HttpContext context, JsonObject chunk, CancellationToken cancellationToken) =>
        SendRawAsync(context, $"data: {chunk.ToJsonString(JsonSerializerOptions.Default)}\n\n", cancellationToken);

    private static async Task SendRawAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

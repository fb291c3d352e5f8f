using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Promptly.Latency;
using Promptly.Tests.Support;

namespace Promptly.Tests.Latency;

/// <summary>
/// A response as a trace: one span with a child per phase whose durations add up to the response's time, the model
/// call as a client span under it by the GenAI conventions, and the trace id in the latency record. Spans are
/// collected by OpenTelemetry's in-memory exporter; other tests run meanwhile, so each test picks its own session's.
/// </summary>
public sealed class LatencyTracingTests : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private TracerProvider _tracing = null!;
    private FakeChatServer _model = null!;

    public async Task InitializeAsync()
    {
        // As the server traces: its requests (the parents) and its own spans.
        _tracing = Sdk.CreateTracerProviderBuilder().AddAspNetCoreInstrumentation().AddSource(LatencyTracing.SourceName).AddInMemoryExporter(_spans).Build()!;
        _model = await FakeChatServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _tracing.Dispose();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task Turn_IsOneSpanWithAChildPerPhase_AddingUpToTheResponseTime()
    {
        await using var factory = new PromptlyFactory(_model.Settings());
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        var latency = (await client.TurnAsync(id, "It tastes creamy."))["latency"]!.AsObject();

        var response = Span(id, questionNumber: 1);
        Assert.Equal(latency["trace_id"]!.GetValue<string>(), response.TraceId.ToHexString());
        // The slowest responses name it too, so the dashboard goes from a slow response to its trace.
        var slow = (await client.GetJsonAsync("/api/latency/slow?hours=1"))["responses"]!.AsArray();
        Assert.Contains(slow, r => r!["trace_id"]?.GetValue<string>() == response.TraceId.ToHexString());
        Assert.Equal("PRACTICE", response.GetTagItem("promptly.interview_type"));
        Assert.Equal("text", response.GetTagItem("promptly.channel"));
        Assert.Equal(latency["threshold_ms"]!.GetValue<double>(), response.GetTagItem("promptly.budget.threshold_ms"));
        Assert.Equal(latency["exceeded_threshold"]!.GetValue<bool>(), response.GetTagItem("promptly.budget.exceeded"));

        var phases = Spans().Where(s => s.ParentSpanId == response.SpanId && s.Source.Name == LatencyTracing.SourceName && s.Kind == ActivityKind.Internal).ToList();
        var recorded = latency["phases"]!.AsObject();
        Assert.Equal(recorded.Select(p => p.Key), phases.Select(p => p.DisplayName));
        var responseMs = latency["response_time_ms"]!.GetValue<double>();
        Assert.InRange(phases.Sum(p => p.Duration.TotalMilliseconds), responseMs - 1, responseMs + 1);
        Assert.True(Math.Abs(response.Duration.TotalMilliseconds - responseMs) <= 1, $"span {response.Duration.TotalMilliseconds} ms, record {responseMs} ms, phases {phases.Sum(p => p.Duration.TotalMilliseconds)}, start {response.StartTimeUtc:O} first child {phases[0].StartTimeUtc:O}");
        // Laid end to end from the response's start.
        Assert.Equal(response.StartTimeUtc, phases[0].StartTimeUtc);
        for (var i = 1; i < phases.Count; i++) Assert.Equal(phases[i - 1].StartTimeUtc + phases[i - 1].Duration, phases[i].StartTimeUtc);

        // The model call, by Microsoft.Extensions.AI's OpenTelemetry client: a client span with the model and tokens.
        var call = Assert.Single(Spans(), s => s.ParentSpanId == response.SpanId && s.Kind == ActivityKind.Client);
        Assert.Equal("chat", call.GetTagItem("gen_ai.operation.name"));
        Assert.NotNull(call.GetTagItem("gen_ai.request.model"));
        Assert.Equal(latency["prompt_tokens"]!.GetValue<int>(), Convert.ToInt32(call.GetTagItem("gen_ai.usage.input_tokens")));
    }

    [Fact]
    public async Task ProblemAnswer_CarriesTheRequestsTraceId()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sessions/no-such-session");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Contains(traceId.ToHexString(), problem["trace_id"]!.GetValue<string>());
    }

    // The exporter adds one span at a time under its own lock; a copy (no enumeration) reads safely meanwhile.
    private Activity[] Spans() => _spans.ToArray();

    private Activity Span(string sessionId, int questionNumber) =>
        Assert.Single(Spans(), s => s.DisplayName == LatencyTracing.ResponseSpan
            && (string?)s.GetTagItem("promptly.session.id") == sessionId && (int?)s.GetTagItem("promptly.question_number") == questionNumber);
}

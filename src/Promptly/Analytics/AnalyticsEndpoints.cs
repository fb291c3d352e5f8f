using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Promptly.Budget;
using Promptly.Http;
using Promptly.Latency;
using Promptly.Access;

namespace Promptly.Analytics;

internal static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapLatencyAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/latency/events", IngestAsync).RequireOperator().RequireRateLimiting(AccessRegistration.IngestLimit).WithTags("Latency analytics").ProducesRequestProblems().WithName("IngestLatencyEvents")
            .WithSummary("Stores a batch of timed runs of any pipeline (all of the batch or, with per-item errors, none of it).");
        app.MapGet("/api/latency/compliance", ComplianceAsync).RequireOperator().WithQuery("hours", "from", "to", "interview_type", "channel").WithTags("Latency").WithName("LatencyCompliance")
            .ProducesRequestProblems().WithSummary("Budget compliance over a window (hours=24 or from/to), overall, per interview type and per channel (text and voice unless channel=text|voice).");
        var analytics = app.MapGroup("/api/latency-analytics").WithTags("Latency analytics").ProducesRequestProblems().RequireOperator();
        analytics.MapGet("/summary", SummaryAsync).WithQuery("days", "from", "to", "source", "interview_type").WithName("LatencySummary")
            .WithSummary("Count, average, p50/p90/p95/p99, compliance and the slowest phase over days=N or from/to.");
        analytics.MapGet("/by-phase", ByPhaseAsync).WithQuery("days", "from", "to", "source", "interview_type").WithName("LatencyByPhase").WithSummary("Per-phase figures, slowest p95 first.");
        analytics.MapGet("/bottlenecks", BottlenecksAsync).WithQuery("days", "from", "to", "source", "interview_type", "threshold_ms").WithName("LatencyBottlenecks")
            .WithSummary("Phases whose p95 is over threshold_ms, and outlier runs.");
        analytics.MapGet("/trends", TrendsAsync).WithQuery("days", "from", "to", "source", "interview_type", "interval").WithName("LatencyTrends").WithSummary("Count, p50, p95 and compliance per day or hour, with regressions.");
        analytics.MapGet("/recommendations", RecommendationsAsync).WithQuery("days", "from", "to", "source", "interview_type").WithName("LatencyRecommendations")
            .WithSummary("Per source and phase: current and target p95 and what to do, from the measured figures.");
        return app;
    }

    private static async Task<Ok<WindowCompliance>> ComplianceAsync(HttpRequest request, LatencyAnalytics analytics, BudgetPolicy policy, TimeProvider time, CancellationToken cancellationToken)
    {
        var window = TimeWindow.Parse(request.Query, defaultHours: 24, time.GetUtcNow());
        var type = BudgetEndpoints.InterviewTypeFilter(request.Query["interview_type"].ToString());
        var channel = BudgetEndpoints.ChannelFilter(request.Query["channel"].ToString());
        // Digests answer long windows in milliseconds; the window reported is the one read (whole hours when from digests).
        var slices = await analytics.InterviewSlicesAsync(window.From, window.To, type, channel, cancellationToken);
        var target = policy.TargetCompliance;
        var scope = slices.Scope;
        return TypedResults.Ok(new WindowCompliance(scope.From, scope.To, type, slices.Channels, scope.Exact, ComplianceReport.Of(slices.All.Total, target, "Latency"),
            ByName(slices.ByType, target), ByName(slices.ByChannel, target)));
    }

    private static Dictionary<string, ComplianceReport> ByName(IReadOnlyDictionary<string, LatencySlice> slices, double target) =>
        slices.OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => ComplianceReport.Of(g.Value.Total, target, $"{g.Key} latency"));

    private static async Task<Ok<EventsAccepted>> IngestAsync(HttpContext context, IAnalyticsStore store, BudgetPolicy policy, IOptions<AnalyticsOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        var request = context.Request;
        if (request.ContentLength > settings.MaxEventsBodyBytes) throw Problems.PayloadTooLarge(settings.MaxEventsBodyBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxEventsBodyBytes;

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw Problems.BadRequest($"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }

        using (document)
        {
            var batch = new EventBatch(settings, policy, time.GetUtcNow());
            List<IngestedEvent> events;
            try
            {
                events = batch.Read(document.RootElement);
            }
            catch (EventBatchException e)
            {
                throw Problems.BadRequest(e.Message);
            }

            if (batch.Errors.Count > 0)
            {
                var failed = batch.Errors.Select(e => e.Index).Distinct().Count();
                throw Problems.BadRequest(
                    $"{failed} of {document.RootElement.GetArrayLengthOrEvents()} events are invalid; the batch is accepted whole or not at all, so nothing was stored.",
                    new Dictionary<string, object?> { ["errors"] = batch.Errors.Take(100).ToArray(), ["error_count"] = batch.Errors.Count });
            }

            await store.SaveEventsAsync(events, context.RequestAborted);
            return TypedResults.Ok(new EventsAccepted(events.Count, "whole-batch"));
        }
    }

    private static int GetArrayLengthOrEvents(this JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : root.GetProperty("events").GetArrayLength();

    private static async Task<Ok<LatencySummary>> SummaryAsync(HttpRequest request, LatencyAnalytics analytics, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analytics.SummaryAsync(ParseRequest(request.Query, time.GetUtcNow()), cancellationToken));

    private static async Task<Ok<PhaseBreakdown>> ByPhaseAsync(HttpRequest request, LatencyAnalytics analytics, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analytics.ByPhaseAsync(ParseRequest(request.Query, time.GetUtcNow()), cancellationToken));

    private static async Task<Ok<BottleneckReport>> BottlenecksAsync(HttpRequest request, LatencyAnalytics analytics, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = request.Query["threshold_ms"].ToString();
        double? threshold = text.Length > 0 ? TimeWindow.ParsePositive("threshold_ms", text, LatencyDigest.MaxMs) : null;
        return TypedResults.Ok(await analytics.BottlenecksAsync(ParseRequest(request.Query, time.GetUtcNow()), threshold, cancellationToken));
    }

    private static async Task<Ok<TrendReport>> TrendsAsync(HttpRequest request, LatencyAnalytics analytics, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = ParseRequest(request.Query, now);
        var text = request.Query["interval"].ToString();
        var interval = AnalyticsRequest.ParseInterval(text) ?? throw Problems.BadRequest($"'interval' must be 'day' or 'hour', not '{text}'.");
        if (query.TrendProblem(interval, now) is { } problem) throw Problems.BadRequest(problem);

        return TypedResults.Ok(await analytics.TrendsAsync(query, interval, cancellationToken));
    }

    private static async Task<Ok<RecommendationReport>> RecommendationsAsync(HttpRequest request, LatencyAnalytics analytics, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analytics.RecommendationsAsync(ParseRequest(request.Query, time.GetUtcNow()), cancellationToken));

    /// <summary>days, from, to, source and interview_type, each checked at <paramref name="now"/>, as one request.</summary>
    public static AnalyticsRequest ParseRequest(IQueryCollection query, DateTimeOffset now)
    {
        int? days = null;
        var daysText = query["days"].ToString();
        if (daysText.Length > 0)
        {
            days = int.TryParse(daysText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw Problems.BadRequest($"'days' must be a whole number, not '{daysText}'.");
        }

        var request = new AnalyticsRequest(days, Time(query, "from"), Time(query, "to"), Text(query, "source"), Text(query, "interview_type"));
        return request.Problem(now) is { } problem ? throw Problems.BadRequest(problem) : request;
    }

    private static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } text ? TimeWindow.ParseTime(name, text) : null;
}

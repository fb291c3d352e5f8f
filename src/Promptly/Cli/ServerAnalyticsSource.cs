using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Promptly.Analytics;
using Promptly.Interviews;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>Asks a running server's <c>/api/latency-analytics</c> endpoints and reads their answers in the wire format.</summary>
internal sealed class ServerAnalyticsSource(HttpClient http) : IAnalyticsSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="server">The server's base URL.</param>
    /// <param name="handler">Sends the requests (tests pass an in-memory server's); a new socket handler when null.</param>
    /// <param name="apiKey">The operator key the analytics routes need.</param>
    public static ServerAnalyticsSource Create(Uri server, HttpMessageHandler? handler, string? apiKey) =>
        new(new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { BaseAddress = server, Timeout = Timeout }.Authorized(apiKey));

    public Task<LatencySummary> SummaryAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        GetAsync("summary", Query(request), AnalyticsJson.Default.LatencySummary, cancellationToken);

    public Task<PhaseBreakdown> ByPhaseAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        GetAsync("by-phase", Query(request), AnalyticsJson.Default.PhaseBreakdown, cancellationToken);

    public Task<BottleneckReport> BottlenecksAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken)
    {
        var query = Query(request);
        if (thresholdMs is { } threshold) query.Add(("threshold_ms", threshold.ToString("R", CultureInfo.InvariantCulture)));
        return GetAsync("bottlenecks", query, AnalyticsJson.Default.BottleneckReport, cancellationToken);
    }

    /// <summary>The three endpoints, one after another: the server answers each from its own read.</summary>
    public async Task<LatencyOverview> OverviewAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken) => new(
        await SummaryAsync(request, cancellationToken), await ByPhaseAsync(request, cancellationToken), await BottlenecksAsync(request, thresholdMs, cancellationToken));

    public Task<TrendReport> TrendsAsync(AnalyticsRequest request, TrendInterval interval, CancellationToken cancellationToken)
    {
        var query = Query(request);
        query.Add(("interval", interval == TrendInterval.Hour ? "hour" : "day"));
        return GetAsync("trends", query, AnalyticsJson.Default.TrendReport, cancellationToken);
    }

    public Task<RecommendationReport> RecommendationsAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        GetAsync("recommendations", Query(request), AnalyticsJson.Default.RecommendationReport, cancellationToken);

    public Task<InterviewStatsReport> InterviewsAsync(int days, CancellationToken cancellationToken) =>
        GetAsync("stats", [("days", days.ToString(CultureInfo.InvariantCulture))], InterviewsJson.Default.InterviewStatsReport, cancellationToken, "api/interviews/");

    private static List<(string Name, string Value)> Query(AnalyticsRequest request)
    {
        var query = new List<(string, string)>();
        if (request.Days is { } days) query.Add(("days", days.ToString(CultureInfo.InvariantCulture)));
        if (request.From is { } from) query.Add(("from", from.ToString("O", CultureInfo.InvariantCulture)));
        if (request.To is { } to) query.Add(("to", to.ToString("O", CultureInfo.InvariantCulture)));
        if (request.Source is { } source) query.Add(("source", source));
        if (request.InterviewType is { } type) query.Add(("interview_type", type));
        return query;
    }

    private async Task<T> GetAsync<T>(
        string analysis, List<(string Name, string Value)> query, JsonTypeInfo<T> type, CancellationToken cancellationToken, string folder = "api/latency-analytics/")
    {
        var path = $"{folder}{analysis}" + (query.Count == 0 ? "" : "?" + string.Join('&',
            query.Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value)}")));
        HttpStatusCode status;
        string? reason;
        byte[] body;
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            (status, reason) = (response.StatusCode, response.ReasonPhrase);
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw CommandException.Unavailable($"The server at {http.BaseAddress} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw CommandException.Unavailable($"The server at {http.BaseAddress} did not answer within {Timeout.TotalSeconds:0} s.", e);
        }

        if ((int)status is < 200 or > 299)
        {
            var detail = ProblemAnswer.DetailOf(body) ?? $"{(int)status} {reason}";
            throw status == HttpStatusCode.BadRequest
                ? CommandException.Usage(detail)
                : CommandException.Unavailable($"The server answered {(int)status} for {analysis}: {detail}");
        }

        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw CommandException.Unavailable($"The answer of {http.BaseAddress}{path} is not a Promptly {analysis} report ({e.Message}).", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}

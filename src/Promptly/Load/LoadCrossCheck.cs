using System.Globalization;
using System.Text.Json;
using Promptly.Analytics;

namespace Promptly.Load;

/// <summary>
/// Sets the run's figures beside the server's own: each answer's <c>latency.response_time_ms</c> (the same requests,
/// so the difference is network, client and the commit the server's record does not include), and the server's
/// latency analytics over the run's window.
/// </summary>
internal static class LoadCrossCheck
{
    public static async Task<CrossCheck> RunAsync(HttpClient http, Uri server, LoadResult result, CancellationToken cancellationToken)
    {
        var total = result.Phases.Count > 1 ? LoadResult.AllPhases : result.Phases[0].Name;
        var rows = result.Scenarios
            .Where(r => r.Phase == total && r.ServerLatency is not null)
            .Select(r => new CrossCheckRow(r.Scenario, r.Latency.Count, r.ServerLatency!.Count,
                r.Latency.P50Ms, r.ServiceLatency.P50Ms, r.ServerLatency.P50Ms, r.Latency.P95Ms, r.ServiceLatency.P95Ms, r.ServerLatency.P95Ms))
            .ToList();

        var interviewResponses = result.Scenarios
            .Where(r => r.Phase == total && r.Kind is "create_interview" or "take_turn")
            .Sum(r => r.Latency.Count);
        try
        {
            var analytics = await SummaryAsync(http, server, result.StartedAt, result.EndedAt, interviewResponses, cancellationToken);
            return new CrossCheck(rows, analytics, null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidDataException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new CrossCheck(rows, null, $"not available ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private static async Task<AnalyticsCheck> SummaryAsync(HttpClient http, Uri server, DateTimeOffset from, DateTimeOffset to, long clientCount, CancellationToken cancellationToken)
    {
        var uri = new Uri(server, "api/latency-analytics/summary?source=interview"
            + "&from=" + Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
            + "&to=" + Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync(uri, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode) throw new InvalidDataException($"the server answered {(int)response.StatusCode}");
        var summary = JsonSerializer.Deserialize(body, AnalyticsJson.Default.LatencySummary);
        if (summary?.Scope is null) throw new InvalidDataException($"{uri.AbsolutePath} did not answer with a latency summary");
        return new AnalyticsCheck(summary.Scope.From, summary.Scope.To, summary.Scope.Exact, summary.TotalCount, clientCount,
            summary.P50Ms, summary.P95Ms, summary.P99Ms);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Promptly.Tests.Support;

namespace Promptly.Tests.Analytics;

/// <summary>Helpers for the analytics tests: events as a client sends them, a rollup the test drives itself, JSON figures.</summary>
internal static class AnalyticsApi
{
    public const string EventsPath = "/api/latency/events";

    /// <summary>Settings of the <c>Analytics</c> section, e.g. <c>("ExactRunLimit", 0)</c>.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, object Value)[] settings) =>
        settings.ToDictionary(s => $"Analytics:{s.Key}", s => Convert.ToString(s.Value, CultureInfo.InvariantCulture));

    public static Dictionary<string, object?> Event(
        string source,
        DateTimeOffset? timestamp = null,
        double? totalMs = null,
        IReadOnlyDictionary<string, double>? phases = null,
        string? interviewType = null,
        string? runId = null)
    {
        var e = new Dictionary<string, object?> { ["source"] = source };
        if (runId is not null) e["run_id"] = runId;
        if (timestamp is { } t) e["timestamp"] = t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        if (totalMs is { } total) e["total_ms"] = total;
        if (phases is not null) e["phases"] = phases;
        if (interviewType is not null) e["tags"] = new Dictionary<string, object> { ["interview_type"] = interviewType };
        return e;
    }

    public static Task<JsonObject> IngestAsync(this HttpClient client, IEnumerable<object> events, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.PostJsonAsync(EventsPath, events.ToList(), expected);

    public static Task<JsonObject> AnalyticsAsync(this HttpClient client, string endpointAndQuery, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.GetJsonAsync("/api/latency-analytics/" + endpointAndQuery, expected);

    public static async Task<long> CountAsync(this HttpClient client, string query) =>
        (await client.AnalyticsAsync("summary?" + query))["total_count"]!.GetValue<long>();

    public static double Number(this JsonNode? node) => node!.GetValue<double>();

    public static double? NumberOrNull(this JsonNode? node) => node?.GetValue<double>();

    public static long Long(this JsonNode? node) => node!.GetValue<long>();

    public static string Text(this JsonNode? node) => node!.GetValue<string>();

    public static DateTimeOffset Time(this JsonNode? node) => DateTimeOffset.Parse(node.Text(), CultureInfo.InvariantCulture);

    public static bool Exact(this JsonObject report) => report["scope"]!["exact"]!.GetValue<bool>();

    /// <summary>A query-string time: ISO 8601 in UTC, escaped.</summary>
    public static string Query(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public static DateTimeOffset HourFloor(DateTimeOffset time) => new(time.UtcDateTime.Date.AddHours(time.UtcDateTime.Hour), TimeSpan.Zero);

    public static DateTimeOffset DayFloor(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Promptly.Analytics;
using Promptly.Interviews;

namespace Promptly.Cli;

/// <summary>
/// <c>--json</c>: the reports exactly as the HTTP API answers them, in one object keyed by analysis
/// (<c>summary</c>, <c>by_phase</c>, <c>bottlenecks</c>, <c>trends</c>, <c>recommendations</c>, <c>interviews</c>), for scripts.
/// </summary>
internal static class JsonReport
{
    public static void Write(TextWriter output, AnalysisResults results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var context = AnalyticsJson.Default;
            json.WriteStartObject();
            Write(json, "summary", results.Summary, context.LatencySummary);
            Write(json, "by_phase", results.Phases, context.PhaseBreakdown);
            Write(json, "bottlenecks", results.Bottlenecks, context.BottleneckReport);
            Write(json, "trends", results.Trends, context.TrendReport);
            Write(json, "recommendations", results.Recommendations, context.RecommendationReport);
            Write(json, "interviews", results.Interviews, InterviewsJson.Default.InterviewStatsReport);
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    // An analysis that was not asked for is left out rather than written as null.
    private static void Write<T>(Utf8JsonWriter json, string name, T? report, JsonTypeInfo<T> type) where T : class
    {
        if (report is null) return;
        json.WritePropertyName(name);
        JsonSerializer.Serialize(json, report, type);
    }
}

using System.Text;
using System.Text.Json;
using Promptly.Http;

namespace Promptly.Cli;

/// <summary>
/// <c>--json</c>: the reports exactly as the HTTP API answers them, in one object keyed by analysis
/// (<c>summary</c>, <c>by_phase</c>, <c>bottlenecks</c>, <c>trends</c>, <c>recommendations</c>), for scripts.
/// </summary>
internal static class JsonReport
{
    public static void Write(TextWriter output, AnalysisResults results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var context = PromptlyJson.Default;
            json.WriteStartObject();
            if (results.Summary is { } summary)
            {
                json.WritePropertyName("summary");
                JsonSerializer.Serialize(json, summary, context.LatencySummary);
            }

            if (results.Phases is { } phases)
            {
                json.WritePropertyName("by_phase");
                JsonSerializer.Serialize(json, phases, context.PhaseBreakdown);
            }

            if (results.Bottlenecks is { } bottlenecks)
            {
                json.WritePropertyName("bottlenecks");
                JsonSerializer.Serialize(json, bottlenecks, context.BottleneckReport);
            }

            if (results.Trends is { } trends)
            {
                json.WritePropertyName("trends");
                JsonSerializer.Serialize(json, trends, context.TrendReport);
            }

            if (results.Recommendations is { } recommendations)
            {
                json.WritePropertyName("recommendations");
                JsonSerializer.Serialize(json, recommendations, context.RecommendationReport);
            }

            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}

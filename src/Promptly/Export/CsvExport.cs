using System.Globalization;
using System.Text;

namespace Promptly.Export;

/// <summary>
/// A session as one CSV table in long form: the <c>section</c> column says what a row is (message, node, edge or
/// compliance) and each section fills the columns that apply to it, so the file loads into a spreadsheet or a data
/// frame as is and filters by section.
/// </summary>
internal static class CsvExport
{
    private static readonly string[] Columns =
    [
        "section", "id", "role_or_type", "question_number", "element_id", "kind", "at", "text",
        "response_time_ms", "ai_processing_time_ms", "threshold_ms", "exceeded_threshold", "failed", "phases", "utterance_ids", "from", "to",

        // Last, so the columns before it keep their places for readers of earlier exports.
        "channel",
    ];

    public static string Write(SessionExport export)
    {
        var csv = new StringBuilder();
        Row(csv, Columns);
        foreach (var line in export.Transcript)
        {
            var l = line.Latency;
            Row(csv, "message", line.Id, line.Role, Num(line.QuestionNumber), line.ElementId, line.Kind, line.At.ToString("O"), line.Content,
                Num(l?.ResponseTimeMs), Num(l?.AiProcessingTimeMs), Num(l?.ThresholdMs), Bool(l?.ExceededThreshold), Bool(l?.Failed),
                l is null ? null : string.Join(';', l.Phases.Select(p => $"{p.Key}={Num(p.Value)}")), null, null, null, l?.Channel);
        }

        foreach (var node in export.Graph.Nodes)
        {
            Row(csv, "node", node.Id, node.Type, null, node.ElementId, null, null, node.Label, null, null, null, null, null, null, string.Join(';', node.UtteranceIds), null, null, null);
        }

        foreach (var edge in export.Graph.Edges)
        {
            Row(csv, "edge", null, edge.Type, null, null, null, null, null, null, null, null, null, null, null, null, edge.From, edge.To, null);
        }

        // The compliance row carries the verdict sentence and the session p95 in response_time_ms.
        var c = export.Compliance;
        Row(csv, "compliance", export.Id, null, null, null, null, null, c.Message, Num(c.P95), null, null, null, null, null, null, null, null, null);
        return csv.ToString();
    }

    private static void Row(StringBuilder csv, params ReadOnlySpan<string?> cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) csv.Append(',');
            csv.Append(Escape(cells[i]));
        }

        csv.Append("\r\n");
    }

    // RFC 4180: quote cells holding a comma, quote or line break, doubling inner quotes.
    private static string Escape(string? cell) =>
        cell is null ? "" : cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : $"\"{cell.Replace("\"", "\"\"")}\"";

    private static string? Num(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture);

    private static string? Bool(bool? value) => value is null ? null : value.Value ? "true" : "false";
}

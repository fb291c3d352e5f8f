using System.Globalization;
using System.Text;
using Promptly.Interviews;

namespace Promptly.Export;

/// <summary>A session as a readable Markdown report: summary, latency, transcript and concept graph.</summary>
internal static class MarkdownExport
{
    public static string Write(SessionExport e)
    {
        var md = new StringBuilder();
        md.Append("# Interview ").AppendLine(e.Id).AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.Append("| Concept | ").Append(Cell(e.ConceptTitle)).Append(" (`").Append(e.ConceptId).AppendLine("`) |");
        md.Append("| Type | ").Append(e.InterviewType).AppendLine(" |");
        md.Append("| Candidate | ").Append(Cell(e.Candidate ?? "-")).AppendLine(" |");
        md.Append("| Status | ").Append(e.Status).Append(" after ").Append(e.QuestionNumber).AppendLine(" turns |");
        md.Append("| Element coverage | ").Append(Pct(e.Coverage)).AppendLine(" |");
        md.Append("| Started | ").Append(e.CreatedAt.ToString("u", CultureInfo.InvariantCulture)).AppendLine(" |").AppendLine();

        var c = e.Compliance;
        md.AppendLine("## Latency").AppendLine().AppendLine(c.Message).AppendLine();
        md.AppendLine("| p50 | p90 | p95 | p99 | mean | max |").AppendLine("|---|---|---|---|---|---|");
        md.Append("| ").AppendJoin(" | ", new[] { c.P50, c.P90, c.P95, c.P99, c.Mean, c.Max }.Select(Ms)).AppendLine(" |").AppendLine();
        Responses(md, e.Transcript);

        md.AppendLine("## Transcript").AppendLine();
        foreach (var line in e.Transcript)
        {
            var who = line.Role == MessageRoles.Interviewer ? "Interviewer" : "Candidate";
            md.Append("**").Append(who).Append("** (Q").Append(line.QuestionNumber);
            if (line.Latency is { } l)
            {
                md.Append(", ").Append(l.Channel).Append(", ").Append(Ms(l.ResponseTimeMs)).Append(l.ExceededThreshold ? ", over budget" : "").Append(l.Failed ? ", failed" : "");
            }

            md.Append("): ").AppendLine(line.Content).AppendLine();
        }

        var g = e.Graph;
        md.AppendLine("## Concept graph").AppendLine();
        md.Append("Element coverage ").Append(Pct(g.Stats.ElementCoverage)).Append(", orphan ratio ").Append(Pct(g.Stats.OrphanRatio))
            .Append(", ").Append(g.Stats.NodeCount).Append(" nodes, ").Append(g.Stats.EdgeCount).AppendLine(" edges.").AppendLine();
        if (g.Nodes.Count > 0)
        {
            md.AppendLine("| node | type | element | label | from |").AppendLine("|---|---|---|---|---|");
            foreach (var n in g.Nodes)
            {
                md.Append("| ").Append(n.Id).Append(" | ").Append(n.Type).Append(" | ").Append(n.ElementId ?? "-").Append(" | ").Append(Cell(n.Label))
                    .Append(" | ").AppendJoin(", ", n.UtteranceIds).AppendLine(" |");
            }

            md.AppendLine();
            foreach (var edge in g.Edges) md.Append("- ").Append(edge.From).Append(" → ").AppendLine(edge.To);
        }

        return md.ToString();
    }

    // Each response's channel and phases, in the order they ran: a voice response's speech phases show beside the model's.
    private static void Responses(StringBuilder md, IReadOnlyList<ExportLine> transcript)
    {
        var timed = transcript.Where(l => l.Latency is not null).ToList();
        if (timed.Count == 0) return;
        md.AppendLine("| Q | channel | response | phases |").AppendLine("|---|---|---|---|");
        foreach (var line in timed)
        {
            var l = line.Latency!;
            md.Append("| ").Append(line.QuestionNumber).Append(" | ").Append(l.Channel).Append(" | ").Append(Ms(l.ResponseTimeMs)).Append(" | ")
                .AppendJoin(", ", l.Phases.Select(p => $"{p.Key} {Ms(p.Value)}")).AppendLine(" |");
        }

        md.AppendLine();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings(" ");

    private static string Pct(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + " ms" : "-";
}

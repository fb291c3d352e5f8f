using Promptly.Budget;
using Promptly.Graph;
using Promptly.Interviews;
using Promptly.Latency;

namespace Promptly.Export;

/// <summary>Everything a session export holds: the transcript with each response's latency, the graph and compliance.</summary>
internal sealed record SessionExport(
    string Id,
    string ConceptId,
    string ConceptTitle,
    string InterviewType,
    string? Candidate,
    string Status,
    int QuestionNumber,
    double Coverage,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<ExportLine> Transcript,
    ConceptGraph Graph,
    ComplianceReport Compliance)
{
    public static SessionExport From(InterviewState state, IReadOnlyList<LatencyRecord> records, double targetCompliance)
    {
        // The latest record per question: a failed attempt that was retried is superseded by the one that was stored.
        var latency = records.GroupBy(r => r.QuestionNumber).ToDictionary(g => g.Key, g => g.Last());
        var lines = state.Transcript.Select(m => new ExportLine(
            m.UtteranceId, m.Seq, m.Role, m.Content, m.QuestionNumber, m.ElementId, m.Kind, m.At,
            m.Role == MessageRoles.Interviewer && latency.TryGetValue(m.QuestionNumber, out var r) ? LatencyView.From(r) : null));
        var s = state.Session;
        return new SessionExport(
            s.Id, s.ConceptId, state.Guide.Title, s.InterviewType, s.Candidate, s.Status, s.QuestionNumber,
            Math.Round(InterviewScript.Coverage(state.Guide, state.Script), 4), s.CreatedAt, s.EndedAt, [.. lines],
            GraphEndpoints.Of(state),
            ComplianceReport.Of([.. records.Select(x => (x.ResponseTimeMs, x.WithinBudget))], targetCompliance, "Session latency"));
    }
}

/// <summary>A transcript line; interviewer lines carry the latency of the response they were.</summary>
internal sealed record ExportLine(string Id, int Seq, string Role, string Content, int QuestionNumber, string? ElementId, string? Kind, DateTimeOffset At, LatencyView? Latency);

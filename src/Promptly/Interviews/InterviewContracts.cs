using Promptly.Budget;

namespace Promptly.Interviews;

/// <summary><c>POST /sessions</c>. Only <c>concept_id</c> is required.</summary>
internal sealed record StartSessionRequest(string? ConceptId, string? InterviewType, string? Candidate);

/// <summary><c>POST /sessions/{id}/turns</c>.</summary>
internal sealed record TurnRequest(string? UserInput);

/// <summary>The answer to <c>POST /sessions</c> and <c>POST /invitations/{token}/start</c>.</summary>
/// <remarks>
/// <c>fallback</c> says the words are the guide's own because the model did not answer in time. <c>token</c> is the
/// candidate's session token, given this once: it grants this session's turns, state and end, and nothing else.
/// </remarks>
internal sealed record SessionStartedResponse(
    string Id, string ConceptId, string InterviewType, string? Candidate, int QuestionNumber, string Message, bool Done, LatencyView Latency,
    bool Fallback, string? FallbackCause, string Token, DateTimeOffset TokenExpiresAt);

/// <summary>The answer to <c>POST /sessions/{id}/turns</c>.</summary>
/// <remarks><c>fallback</c> says the words are the script's planned step because the model did not answer in time.</remarks>
internal sealed record TurnResponse(
    string SessionId, string Message, int QuestionNumber, bool Done, string Kind, string? ElementId, LatencyView Latency, bool Fallback, string? FallbackCause);

/// <summary><c>GET /sessions/{id}</c>: the session's state and transcript.</summary>
internal sealed record SessionView(
    string Id,
    string ConceptId,
    string InterviewType,
    string? Candidate,
    string Status,
    bool Done,
    int QuestionNumber,
    int MaxTurns,
    double Coverage,
    IReadOnlyList<string> CoveredElements,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<TranscriptLine> Transcript)
{
    public static SessionView From(InterviewState state)
    {
        var s = state.Session;
        return new SessionView(
            s.Id, s.ConceptId, s.InterviewType, s.Candidate, s.Status, !state.IsOpen, s.QuestionNumber, state.Guide.MaxTurns,
            Math.Round(InterviewScript.Coverage(state.Guide, state.Script), 4),
            [.. state.Guide.Elements.Where(e => state.Script.Covered.Contains(e.Id)).Select(e => e.Id)],
            s.CreatedAt, s.EndedAt,
            [.. state.Transcript.Select(TranscriptLine.From)]);
    }
}

internal sealed record TranscriptLine(string Id, int Seq, string Role, string Content, int QuestionNumber, string? ElementId, string? Kind, DateTimeOffset At)
{
    public static TranscriptLine From(TranscriptMessage m) => new(m.UtteranceId, m.Seq, m.Role, m.Content, m.QuestionNumber, m.ElementId, m.Kind, m.At);
}

/// <summary>A <c>token</c> event of a streamed turn: the next piece of the interviewer's reply.</summary>
internal sealed record TokenEvent(string Text);

/// <summary>An <c>error</c> event: the problem a streamed turn failed with once its stream had started; nothing was stored.</summary>
internal sealed record StreamProblem(int Status, string Title, string Detail, string Instance);

/// <summary>The answer to <c>DELETE /sessions/{id}</c>.</summary>
internal sealed record ErasedSession(string Id, bool Erased);

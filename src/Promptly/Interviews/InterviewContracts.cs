using Promptly.Budget;
using Promptly.Storage;

namespace Promptly.Interviews;

/// <summary><c>POST /sessions</c>. Only <c>concept_id</c> is required.</summary>
public sealed record StartSessionRequest(string? ConceptId, string? InterviewType, string? Candidate);

/// <summary><c>POST /sessions/{id}/turns</c>.</summary>
public sealed record TurnRequest(string? UserInput);

/// <summary>The timing of one response as the API shows it.</summary>
public sealed record LatencyView(
    int QuestionNumber,
    double ResponseTimeMs,
    double AiProcessingTimeMs,
    Dictionary<string, double> Phases,
    double ThresholdMs,
    bool ExceededThreshold,
    bool Failed,
    string? Error,
    DateTimeOffset Timestamp,
    double? AiTimeToFirstTokenMs,
    int? PromptTokens,
    int? CompletionTokens,
    bool Fallback,
    string? FallbackCause)
{
    public static LatencyView From(LatencyRecord r)
    {
        var phases = new Dictionary<string, double>(r.Phases.Count);
        foreach (var phase in r.Phases) phases[phase.Name] = Ms(phase.Ms);
        return new LatencyView(r.QuestionNumber, Ms(r.ResponseTimeMs), Ms(r.AiProcessingTimeMs), phases, r.ThresholdMs, r.ExceededThreshold, r.Failed, r.Error, r.Timestamp,
            r.Phase(LatencyPhases.AiFirstToken) is { } firstToken ? Ms(firstToken) : null, r.PromptTokens, r.CompletionTokens, r.Fallback, r.FallbackCause);
    }

    /// <summary>Milliseconds to the microsecond: finer digits are noise.</summary>
    public static double Ms(double value) => Math.Round(value, 3);
}

/// <summary>The answer to <c>POST /sessions</c> and <c>POST /invitations/{token}/start</c>.</summary>
/// <remarks><c>fallback</c> says the words are the guide's own because the model did not answer in time.</remarks>
public sealed record SessionStartedResponse(
    string Id, string ConceptId, string InterviewType, string? Candidate, int QuestionNumber, string Message, bool Done, LatencyView Latency,
    bool Fallback, string? FallbackCause);

/// <summary>The answer to <c>POST /sessions/{id}/turns</c>.</summary>
/// <remarks><c>fallback</c> says the words are the script's planned step because the model did not answer in time.</remarks>
public sealed record TurnResponse(
    string SessionId, string Message, int QuestionNumber, bool Done, string Kind, string? ElementId, LatencyView Latency, bool Fallback, string? FallbackCause);

/// <summary><c>GET /sessions/{id}</c>: the session's state and transcript.</summary>
public sealed record SessionView(
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

public sealed record TranscriptLine(string Id, int Seq, string Role, string Content, int QuestionNumber, string? ElementId, string? Kind, DateTimeOffset At)
{
    public static TranscriptLine From(TranscriptMessage m) => new(m.UtteranceId, m.Seq, m.Role, m.Content, m.QuestionNumber, m.ElementId, m.Kind, m.At);
}

public static class InterviewTypes
{
    public const string Practice = "PRACTICE";
    public const string Invited = "INVITED";

    public static readonly string[] All = [Practice, Invited];
}

/// <summary>A <c>token</c> event of a streamed turn: the next piece of the interviewer's reply.</summary>
public sealed record TokenEvent(string Text);

/// <summary>An <c>error</c> event: the problem a streamed turn failed with once its stream had started; nothing was stored.</summary>
public sealed record StreamProblem(int Status, string Title, string Detail, string Instance);

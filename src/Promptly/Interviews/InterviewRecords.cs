using Promptly.Access;
using Promptly.Budget;

namespace Promptly.Interviews;

/// <summary>A session row: who is interviewed on which guide, and how far the interview got.</summary>
internal sealed record SessionRecord
{
    public required string Id { get; init; }
    public required string ConceptId { get; init; }
    public required string InterviewType { get; init; }
    public string? Candidate { get; init; }
    public required string Status { get; init; }
    public required int QuestionNumber { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? InvitationToken { get; init; }

    /// <summary>What is stored of the candidate's session token; null for sessions from before tokens.</summary>
    public SessionAccess? Access { get; init; }
}

internal static class SessionStatus
{
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Ended = "ended";

    /// <summary>Erased (transcript and name gone); the row stays for the figures.</summary>
    public const string Erased = "erased";

    public static bool IsOpen(string status) => status == Active;
}

/// <summary>One line of a transcript.</summary>
/// <param name="Seq">Position in the session, from 0 (the greeting).</param>
/// <param name="Role"><see cref="MessageRoles.Interviewer"/> or <see cref="MessageRoles.Candidate"/>.</param>
/// <param name="QuestionNumber">The interviewer response this message belongs to (a candidate answer carries the number of the response it triggered).</param>
/// <param name="ElementId">The guide element an interviewer message asks about.</param>
/// <param name="Kind">The step's (<see cref="StepKinds"/>) for the interviewer; <see cref="MessageKinds.Answer"/> for the candidate.</param>
internal sealed record TranscriptMessage(int Seq, string Role, string Content, int QuestionNumber, string? ElementId, string? Kind, DateTimeOffset At)
{
    /// <summary>The id an utterance is known by in the concept graph and exports.</summary>
    public string UtteranceId => $"u{Seq}";
}

internal static class MessageRoles
{
    public const string Interviewer = "interviewer";
    public const string Candidate = "candidate";
}

/// <summary>A message's kind besides the interviewer's, which take their step's (<see cref="StepKinds"/>).</summary>
internal static class MessageKinds
{
    public const string Answer = "answer";
}

/// <summary>A session with its whole transcript, as read back from storage.</summary>
internal sealed record StoredSession(SessionRecord Session, IReadOnlyList<TranscriptMessage> Messages);

/// <summary>
/// One turn to append atomically: its messages and the session's new position. Applied only when the stored
/// question number still equals <see cref="ExpectedQuestionNumber"/>, so a racing writer cannot reorder a session.
/// </summary>
/// <param name="Latency">Closes the response's latency record (<see cref="LatencyBudget.Entry"/>); the store writes it in the same transaction as the turn.</param>
/// <param name="Measures">What the interview reached, on the turn that completes it; stored on the session by the same write.</param>
internal sealed record TurnWrite(
    string SessionId, int ExpectedQuestionNumber, int QuestionNumber, string Status, IReadOnlyList<TranscriptMessage> Messages, DateTimeOffset? EndedAt,
    Func<BudgetedLatency>? Latency = null, InterviewMeasures? Measures = null);

/// <summary>What a completed interview reached, kept on its session for the interview statistics.</summary>
/// <param name="ElementCoverage">Share of the guide's elements covered (<see cref="InterviewScript.Coverage"/>), as the session's <c>coverage</c> says.</param>
/// <param name="OrphanRatio">Share of the concept graph's nodes linked to no other.</param>
internal readonly record struct InterviewMeasures(double ElementCoverage, double OrphanRatio);

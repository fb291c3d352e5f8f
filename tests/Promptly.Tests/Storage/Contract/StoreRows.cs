using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Latency;

namespace Promptly.Tests.Storage.Contract;

/// <summary>Rows the store contract tests write: sessions, turns and latency records with plain values.</summary>
internal static class StoreRows
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    public static SessionRecord Session(string id, DateTimeOffset? createdAt = null, string concept = "coffee", string type = "PRACTICE", string? invitation = null) => new()
    {
        Id = id,
        ConceptId = concept,
        InterviewType = type,
        Candidate = "Ada",
        Status = SessionStatus.Active,
        QuestionNumber = 1,
        CreatedAt = createdAt ?? Start,
        InvitationToken = invitation,
    };

    public static TranscriptMessage Message(int seq, string content, DateTimeOffset? at = null) =>
        new(seq, seq % 2 == 0 ? MessageRoles.Interviewer : MessageRoles.Candidate, content, (seq + 1) / 2, seq % 2 == 0 ? "origin" : null, seq == 0 ? "greeting" : null, at ?? Start);

    /// <summary>Creates a session with its greeting, optionally with a latency record for it.</summary>
    public static Task CreateAsync(IInterviewStore store, SessionRecord session, string greeting = "Hello, tell me about your coffee.", Func<BudgetedLatency>? latency = null) =>
        store.CreateSessionAsync(session, Message(0, greeting, session.CreatedAt), latency, CancellationToken.None);

    /// <summary>The turn that moves a session from question <paramref name="from"/> to the next: the answer and the reply.</summary>
    public static TurnWrite Turn(string sessionId, int from, string answer, string reply = "Why does that matter to you?", string status = SessionStatus.Active,
        Func<BudgetedLatency>? latency = null, DateTimeOffset? at = null) =>
        new(sessionId, from, from + 1, status, [Message(2 * from - 1, answer, at), Message(2 * from, reply, at)], status == SessionStatus.Active ? null : at ?? Start,
            latency);

    public static LatencyRecord Record(string sessionId, int question, double ms, DateTimeOffset? at = null, string type = "PRACTICE", bool failed = false, string channel = "text") => new()
    {
        SessionId = sessionId,
        Candidate = "Ada",
        InterviewType = type,
        ConceptId = "coffee",
        QuestionNumber = question,
        Channel = channel,
        ResponseTimeMs = ms,
        AiProcessingTimeMs = ms / 2,
        Phases = [new PhaseTiming("load", 0.5), new PhaseTiming("ai", ms / 2)],
        ThresholdMs = 1000,
        SevereMs = 3000,
        Failed = failed,
        Error = failed ? "model timed out" : null,
        PromptTokens = 12,
        CompletionTokens = 30,
        Timestamp = at ?? Start,
    };

    /// <summary>A record as the budget judges it: with a severe violation's error-log entry when it is over its severe threshold.</summary>
    public static Func<BudgetedLatency> Entry(LatencyRecord record) => () => BudgetedLatency.Of(record);
}

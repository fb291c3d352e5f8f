using Promptly.Guides;
using Promptly.Latency;

namespace Promptly.Interviews;

/// <summary>
/// A session held in memory between turns so that a turn needs no read: its transcript, its place in the guide and
/// the lock that puts its turns in order.
/// </summary>
/// <remarks>
/// Fields other than <see cref="Gate"/> and <see cref="LastUsed"/> change only while <see cref="Gate"/> is held,
/// and only after the change has been stored.
/// </remarks>
internal sealed class InterviewState(SessionRecord session, InterviewGuide guide, ScriptState script, List<TranscriptMessage> transcript)
{
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public SessionRecord Session { get; set; } = session;
    public InterviewGuide Guide { get; } = guide;
    public ScriptState Script { get; set; } = script;
    public List<TranscriptMessage> Transcript { get; } = transcript;
    public LatencySubject Subject { get; } = new(session.Id, session.ConceptId, session.InterviewType, session.Candidate, session.QuestionNumber);

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last use, for eviction.</summary>
    public long LastUsed { get; set; }

    public string Id => Session.Id;

    public bool IsOpen => SessionStatus.IsOpen(Session.Status);

    /// <summary>Rebuilds the in-memory state of a stored session.</summary>
    public static InterviewState FromStored(StoredSession stored, InterviewGuide guide)
    {
        var steps = stored.Messages.Select(m => m.Role == MessageRoles.Candidate
            ? (m.Kind ?? "", m.ElementId, (string?)m.Content)
            : (m.Kind ?? "", m.ElementId, null));
        return new InterviewState(stored.Session, guide, InterviewScript.Replay(guide, steps), [.. stored.Messages]);
    }
}

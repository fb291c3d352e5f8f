using System.Collections.Concurrent;

namespace Promptly.Load;

/// <summary>
/// What the server told the load it had stored: for every session a start or a turn was answered 200 for, the highest
/// question number acknowledged. <see cref="StoredCheck"/> reads the sessions back afterwards. A turn acknowledged
/// with a question number not above the session's last one is a loss seen at once: the server answered as if an
/// acknowledged turn had never been taken (a later turn would otherwise hide it).
/// </summary>
/// <remarks>Thread-safe: every request's completion records into it.</remarks>
internal sealed class AcknowledgedTurns
{
    private readonly ConcurrentDictionary<string, int> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _wentBack = new(StringComparer.Ordinal);
    private long _turns;

    public int Sessions => _sessions.Count;

    /// <summary>Turns acknowledged, greetings not counted.</summary>
    public long Turns => Interlocked.Read(ref _turns);

    /// <summary>Sessions whose acknowledged question numbers went back: the id, and a line saying how.</summary>
    public IReadOnlyDictionary<string, string> WentBack => _wentBack;

    /// <summary>A session whose start (its greeting, question 0) the server answered 200.</summary>
    public void Started(InterviewSession session) => _sessions.TryAdd(session.Id, 0);

    /// <summary>A turn the server answered 200: the session's question number as that answer gave it.</summary>
    /// <remarks>One turn of a session is in flight at a time, so the read and the write below do not race.</remarks>
    public void Turn(InterviewSession session)
    {
        var question = session.QuestionNumber;
        Interlocked.Increment(ref _turns);
        if (_sessions.TryGetValue(session.Id, out var known) && question <= known)
        {
            _wentBack.TryAdd(session.Id, $"{session.Id}: a turn was acknowledged as question {question} after question {known} had been");
            return;
        }

        _sessions[session.Id] = question;
    }

    public IEnumerable<KeyValuePair<string, int>> All => _sessions;
}

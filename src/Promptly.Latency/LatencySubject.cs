namespace Promptly.Latency;

/// <summary>
/// Who a tracked response belongs to. One per interview session; it also numbers the session's responses so that a
/// tracker started without an explicit question number gets the next one.
/// </summary>
/// <remarks>Thread-safe: numbering uses an interlocked counter.</remarks>
public sealed class LatencySubject(string sessionId, string conceptId, string interviewType, string? candidate, int lastQuestionNumber = -1)
{
    private int _lastQuestionNumber = lastQuestionNumber;

    public string SessionId { get; } = sessionId;
    public string ConceptId { get; } = conceptId;
    public string InterviewType { get; } = interviewType;
    public string? Candidate { get; } = candidate;

    /// <summary>The number the next response gets when none is given: the greeting is 0, then 1, 2, …</summary>
    public int NextQuestionNumber() => Interlocked.Increment(ref _lastQuestionNumber);

    /// <summary>Keeps auto-numbering after an explicitly numbered response.</summary>
    public void Saw(int questionNumber)
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _lastQuestionNumber);
            if (questionNumber <= seen) return;
        }
        while (Interlocked.CompareExchange(ref _lastQuestionNumber, questionNumber, seen) != seen);
    }
}

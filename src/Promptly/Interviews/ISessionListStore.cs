namespace Promptly.Interviews;

/// <summary>Reads the operators' list of sessions, newest first, a page at a time.</summary>
internal interface ISessionListStore
{
    /// <summary>
    /// Up to <see cref="SessionQuery.Limit"/> sessions matching <paramref name="query"/>, ordered by start and then id,
    /// both descending; only those after <see cref="SessionQuery.After"/> in that order when it is given, so a page
    /// never repeats or skips a session already stored, whatever was started since.
    /// </summary>
    Task<IReadOnlyList<SessionSummary>> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken);
}

/// <summary>Which sessions to list; every filter given must hold.</summary>
/// <param name="From">Started at or after (inclusive).</param>
/// <param name="To">Started before (exclusive).</param>
/// <param name="Words">Plain words, every one of which the transcript must contain (in any message); not a query language.</param>
/// <param name="After">The last session of the previous page.</param>
internal sealed record SessionQuery(
    string? Status, string? ConceptId, string? InterviewType, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<string> Words,
    SessionPosition? After, int Limit);

/// <summary>A session's place in the list: its start, then its id.</summary>
internal readonly record struct SessionPosition(DateTimeOffset CreatedAt, string Id);

/// <summary>One session of the list: the facts of its row and its responses' budget figures, no transcript.</summary>
/// <param name="Responses">Its interviewer responses with a latency record (failed ones included).</param>
/// <param name="WithinBudget">Those that succeeded within their threshold.</param>
internal sealed record SessionSummary(
    string Id, string ConceptId, string InterviewType, string Status, string? Candidate, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt, int QuestionNumber,
    int Responses, int WithinBudget, IReadOnlyList<string> Channels);

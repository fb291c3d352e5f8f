using Promptly.Budget;
using Promptly.Storage;

namespace Promptly.Interviews;

/// <summary>
/// Sessions and transcripts. Every write completes only once it is durable: a caller that has awaited it may tell the
/// client the data is stored. A write whose token is cancelled before the store starts it is dropped unwritten.
/// </summary>
internal interface IInterviewStore
{
    /// <summary>
    /// Whether other servers take turns on the same sessions (one database behind several instances): a session
    /// held in memory may then be behind the stored one, and is checked against <see cref="SessionProgressAsync"/>.
    /// </summary>
    bool SharedAcrossServers { get; }

    /// <summary>How far the stored session got: its question number and status; null when there is none, or it was erased.</summary>
    Task<SessionProgress?> SessionProgressAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Creates a session with its greeting; with an invitation token, claims the token in the same transaction.</summary>
    /// <exception cref="StorageConflictException">The invitation already started a session.</exception>
    /// <exception cref="StorageNotFoundException">The invitation does not exist.</exception>
    Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken);

    /// <exception cref="StorageConflictException">The session moved on or ended meanwhile.</exception>
    Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken);

    /// <summary>Ends an open session; false when it was not open.</summary>
    Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken);

    /// <summary>The session and its transcript; null when there is none, or it was erased.</summary>
    Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Erases what identifies the candidate in one transaction: the transcript, the kept audio, the candidate's name
    /// (on the session, its invitation and its latency records) and the session token. The latency records stay,
    /// anonymous, so analytics stay true. False when there was no such session (or it was erased already).
    /// </summary>
    Task<bool> EraseSessionAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Erases sessions (as <see cref="EraseSessionAsync"/>) that ended, or were last active, before <paramref name="before"/>; at most <paramref name="limit"/>; returns their ids.</summary>
    Task<IReadOnlyList<string>> EraseSessionsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the kept audio of turns recorded before <paramref name="before"/>; at most <paramref name="limit"/>; returns how many.</summary>
    Task<int> DeleteRecordingsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}

/// <summary>A session's place as stored: the last response's number and whether it is still open.</summary>
internal readonly record struct SessionProgress(int QuestionNumber, string Status);

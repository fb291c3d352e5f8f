using Promptly.Budget;
using Promptly.Storage;

namespace Promptly.Interviews;

/// <summary>
/// Sessions and transcripts. Every write completes only once it is durable: a caller that has awaited it may tell the
/// client the data is stored. A write whose token is cancelled before the store starts it is dropped unwritten.
/// </summary>
internal interface IInterviewStore
{
    /// <summary>Creates a session with its greeting; with an invitation token, claims the token in the same transaction.</summary>
    /// <exception cref="StorageConflictException">The invitation already started a session.</exception>
    /// <exception cref="StorageNotFoundException">The invitation does not exist.</exception>
    Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken);

    /// <exception cref="StorageConflictException">The session moved on or ended meanwhile.</exception>
    Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken);

    /// <summary>Ends an open session; false when it was not open.</summary>
    Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken);

    Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken);
}

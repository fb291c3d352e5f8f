using Promptly.Budget;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Storage;

namespace Promptly.Tests.Support;

/// <summary>
/// The server's real interview store, made unusable on demand: while <see cref="Failing"/>, every write and the
/// health ping throw <see cref="StorageUnavailableException"/> as a full disk or a broken file would, before
/// anything reaches the database. Reads still work, so a test can see what was (not) stored.
/// </summary>
internal sealed class FailingInterviewStore(IInterviewStore inner, IHealthProbe probe) : IInterviewStore, IHealthProbe
{
    public const string Cause = "The database could not commit: disk I/O error";

    public volatile bool Failing;

    public Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken) =>
        Failing ? Unavailable() : inner.CreateSessionAsync(session, greeting, latency, cancellationToken);

    public Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken) =>
        Failing ? Unavailable() : inner.AppendTurnAsync(turn, cancellationToken);

    public Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        Failing ? Unavailable<bool>() : inner.EndSessionAsync(sessionId, endedAt, cancellationToken);

    public bool SharedAcrossServers => inner.SharedAcrossServers;

    public Task<SessionProgress?> SessionProgressAsync(string sessionId, CancellationToken cancellationToken) => inner.SessionProgressAsync(sessionId, cancellationToken);

    public Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken) => inner.LoadSessionAsync(sessionId, cancellationToken);

    public Task<bool> EraseSessionAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        Failing ? Unavailable<bool>() : inner.EraseSessionAsync(sessionId, at, cancellationToken);

    public Task<IReadOnlyList<string>> EraseSessionsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Failing ? Unavailable<IReadOnlyList<string>>() : inner.EraseSessionsBeforeAsync(before, limit, cancellationToken);

    public Task<int> DeleteRecordingsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Failing ? Unavailable<int>() : inner.DeleteRecordingsBeforeAsync(before, limit, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => Failing ? Unavailable() : probe.PingAsync(cancellationToken);

    private static Task Unavailable() => Task.FromException(new StorageUnavailableException(Cause, new IOException("disk I/O error")));

    private static Task<T> Unavailable<T>() => Task.FromException<T>(new StorageUnavailableException(Cause, new IOException("disk I/O error")));
}

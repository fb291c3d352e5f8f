using Promptly.Storage;

namespace Promptly.Tests.Support;

/// <summary>
/// The server's real interview store, made unusable on demand: while <see cref="Failing"/>, every write and the
/// health ping throw <see cref="StorageUnavailableException"/> as a full disk or a broken file would, before
/// anything reaches the database. Reads still work, so a test can see what was (not) stored.
/// </summary>
public sealed class FailingInterviewStore(IInterviewStore inner) : IInterviewStore
{
    public const string Cause = "The database could not commit: disk I/O error";

    public volatile bool Failing;

    public Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, SealLatency? latency, CancellationToken cancellationToken) =>
        Failing ? Unavailable() : inner.CreateSessionAsync(session, greeting, latency, cancellationToken);

    public Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken) =>
        Failing ? Unavailable() : inner.AppendTurnAsync(turn, cancellationToken);

    public Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        Failing ? Unavailable<bool>() : inner.EndSessionAsync(sessionId, endedAt, cancellationToken);

    public Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken) => inner.LoadSessionAsync(sessionId, cancellationToken);

    public Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken) =>
        Failing ? Unavailable() : inner.CreateInvitationAsync(invitation, cancellationToken);

    public Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken) => inner.FindInvitationAsync(token, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => Failing ? Unavailable() : inner.PingAsync(cancellationToken);

    private static Task Unavailable() => Task.FromException(new StorageUnavailableException(Cause, new IOException("disk I/O error")));

    private static Task<T> Unavailable<T>() => Task.FromException<T>(new StorageUnavailableException(Cause, new IOException("disk I/O error")));
}

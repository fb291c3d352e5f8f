using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore
{
    /// <summary>
    /// One upsert that changes the row only when the lease is free or the holder's own. Instances asking at once take
    /// turns (write transactions hold <see cref="PostgresWriter.WriteOrderLock"/>, and the row lock would do as well):
    /// the later one finds the lease taken.
    /// </summary>
    public async Task<bool> TryLeaseAsync(string name, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        await _writer.WriteAsync(context => context.ExecuteAsync(
            """
            INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $4)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= $3
            """,
            name, holder, ToUnixMs(now), ToUnixMs(until)), cancellationToken) == 1;
}

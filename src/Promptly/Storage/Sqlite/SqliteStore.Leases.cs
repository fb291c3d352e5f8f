using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    /// <summary>One upsert that changes the row only when the lease is free or the holder's own; SQLite's write lock decides between processes.</summary>
    public async Task<bool> TryLeaseAsync(string name, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        await _writer.WriteAsync(context => context.Execute(
            """
            INSERT INTO leases (name, holder, expires_at) VALUES (@p0, @p1, @p3)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= @p2
            """,
            name, holder, ToUnixMs(now), ToUnixMs(until)), cancellationToken) == 1;
}

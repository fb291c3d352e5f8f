using Npgsql;

namespace Promptly.Storage.Postgres;

internal static class PostgresDataSource
{
    /// <summary>The pooled connections of the store, configured for its guarantees whatever the server's defaults.</summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // A response is sent only after its commit is flushed: a server (or database, or role) configured with
        // synchronous_commit=off would acknowledge writes that a crash can lose, so the store's sessions ask for it.
        builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c synchronous_commit=on".Trim();
        // The hot statements (a turn's update and inserts) are prepared on each pooled connection after their second use.
        builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        return builder.Build();
    }
}

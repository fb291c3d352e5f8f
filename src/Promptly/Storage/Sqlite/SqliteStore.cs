using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Observability;
using Promptly.Telemetry;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. All writes go through one <see cref="SqliteWriter"/>
/// (group commit); reads use pooled connections and never block on the writer.
/// </summary>
internal sealed partial class SqliteStore : IInterviewStore, IInterviewStatsStore, IInvitationStore, ILatencyStore, IErrorStore, IRequestMetricsStore, IHealthProbe, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SqliteWriter _writer;

    // None when read-only (the command line, which never searches transcripts).
    private readonly TranscriptIndex? _index;

    /// <param name="instruments">The server's metrics (the writer's queue and group commits); none for the command line.</param>
    public SqliteStore(IOptions<SqliteOptions> options, ILogger<SqliteStore> logger, PromptlyInstruments? instruments = null)
    {
        var settings = options.Value;
        if (!settings.ReadOnly) Directory.CreateDirectory(Path.GetDirectoryName(settings.DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = settings.DatabasePath,
            Mode = settings.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using (var setup = new SqliteConnection(_connectionString))
        {
            setup.Open();
            if (settings.ReadOnly)
            {
                SqliteSchema.RequireLatest(setup, settings.DatabasePath);
            }
            else
            {
                using var wal = setup.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                wal.ExecuteNonQuery();
                // Some migrations rewrite a table, which takes a while on a large store: the log says what the wait is.
                var version = SqliteSchema.Version(setup);
                if (version > 0 && version < SqliteSchema.LatestVersion)
                {
                    logger.LogInformation("Migrating the database {Path} from schema version {From} to {To}", settings.DatabasePath, version, SqliteSchema.LatestVersion);
                }

                SqliteSchema.Migrate(setup);
            }
        }

        // Read-only (the command line): nothing to checkpoint.
        _writer = new SqliteWriter(_connectionString, settings.Synchronous, settings.MaxBatch, logger, instruments is null ? null : instruments.Committed,
            settings.ReadOnly ? Timeout.InfiniteTimeSpan : WalCheckpointer.DefaultInterval);
        if (!settings.ReadOnly) _index = new TranscriptIndex(settings.DatabasePath, logger);
        instruments?.Observe("promptly.storage.writer.queue", "{write}", "Writes waiting for the single writer's next transaction.", () => _writer.Queued);
        logger.LogInformation("SQLite database at {Path} (WAL, synchronous={Synchronous})", settings.DatabasePath, settings.Synchronous.ToUpperInvariant());
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StorageUnavailableException($"The database cannot be opened: {e.Message}", e);
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params object?[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryAsync(connection, sql, map, cancellationToken, args);
    }

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params object?[] args)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.AddWithValue($"@p{i}", args[i] ?? DBNull.Value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        _index?.Dispose();
        await _writer.DisposeAsync();
        // The pooled connections hold the file open: closed with the store, so its folder can go (a test's, a restore).
        // This store's pool only; SqliteConnection.ClearAllPools would reach every other store of the process.
        using var pooled = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(pooled);
    }
}

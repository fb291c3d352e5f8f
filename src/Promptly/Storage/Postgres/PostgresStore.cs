using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Observability;
using Promptly.Telemetry;

namespace Promptly.Storage.Postgres;

/// <summary>
/// The store for several instances over one PostgreSQL database. All of an instance's writes go through one
/// <see cref="PostgresWriter"/> (group commit); reads use pooled connections (<see cref="NpgsqlDataSource"/>).
/// </summary>
internal sealed partial class PostgresStore : IInterviewStore, IInterviewStatsStore, IInvitationStore, ILatencyStore, IErrorStore, IRequestMetricsStore, IHealthProbe, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresWriter _writer;

    /// <param name="instruments">The server's metrics (the writer's queue and group commits); none in tests.</param>
    public PostgresStore(IOptions<PostgresOptions> options, ILogger<PostgresStore> logger, PromptlyInstruments? instruments = null)
    {
        var settings = options.Value;
        _dataSource = PostgresDataSource.Create(settings.ConnectionString!);
        try
        {
            using var setup = _dataSource.OpenConnection();
            PostgresSchema.MigrateAsync(setup, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (NpgsqlException e)
        {
            _dataSource.Dispose();
            throw new StorageUnavailableException($"The PostgreSQL database cannot be opened and migrated ({Describe(settings.ConnectionString!)}): {e.Message}", e);
        }

        _writer = new PostgresWriter(_dataSource, settings.MaxBatch, logger, instruments is null ? null : instruments.Committed);
        instruments?.Observe("promptly.storage.writer.queue", "{write}", "Writes waiting for the single writer's next transaction.", () => _writer.Queued);
        logger.LogInformation("PostgreSQL database {Database} (schema version {Version}, synchronous_commit=on)", Describe(settings.ConnectionString!), PostgresSchema.LatestVersion);
    }

    /// <summary>Where the connection string points, without its password, for messages and logs.</summary>
    private static string Describe(string connectionString)
    {
        var parts = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parts.Host}:{parts.Port}/{parts.Database ?? parts.Username}";
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await Guarded(() => command.ExecuteScalarAsync(cancellationToken));
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException($"The database cannot be reached: {e.Message}", e);
        }
    }

    /// <summary>Runs a read; a failure of the database (gone, refusing) becomes <see cref="StorageUnavailableException"/>, so the caller answers 503.</summary>
    private static async Task<T> Guarded<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException($"The database could not be read: {e.Message}", e);
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params object?[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Guarded(() => ReadAllAsync(connection, null, sql, map, cancellationToken, args));
    }

    private static async Task<List<T>> ReadAllAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, IReadOnlyList<object?> args)
    {
        await using var command = PostgresCommands.Create(connection, transaction, sql, args);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>A read-only REPEATABLE READ transaction: every statement in it sees one snapshot.</summary>
    private static Task<NpgsqlTransaction> SnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
            return transaction;
        });

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}

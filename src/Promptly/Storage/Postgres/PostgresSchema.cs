using Npgsql;

namespace Promptly.Storage.Postgres;

/// <summary>
/// The schema as an ordered list of migrations; the one row of <c>schema_version</c> says how many are applied.
/// Append new migrations, never edit applied ones.
/// </summary>
/// <remarks>
/// Times are milliseconds since the Unix epoch (bigint), as in the SQLite store, so both answer alike to the
/// millisecond. Phases stay JSON text, not jsonb, which would reorder their keys.
/// </remarks>
internal static class PostgresSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE sessions (
            id text PRIMARY KEY,
            concept_id text NOT NULL,
            interview_type text NOT NULL,
            candidate text,
            status text NOT NULL,
            question_number integer NOT NULL,
            created_at bigint NOT NULL,
            ended_at bigint,
            invitation_token text,
            token_hash bytea,
            token_expires_at bigint,
            element_coverage double precision,
            orphan_ratio double precision
        );
        CREATE INDEX ix_sessions_created ON sessions (created_at, id);
        -- The transcript is searched word by word with PostgreSQL's own full-text search: 'simple' lowercases and
        -- splits, with no stemming or stop words, as SQLite's unicode61 tokenizer does.
        CREATE TABLE messages (
            session_id text NOT NULL,
            seq integer NOT NULL,
            role text NOT NULL,
            content text NOT NULL,
            question_number integer NOT NULL,
            element_id text,
            kind text,
            created_at bigint NOT NULL,
            words tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
            PRIMARY KEY (session_id, seq)
        );
        CREATE INDEX ix_messages_words ON messages USING gin (words);
        CREATE TABLE latency_records (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id text NOT NULL,
            candidate text,
            interview_type text NOT NULL,
            concept_id text NOT NULL,
            question_number integer NOT NULL,
            response_time_ms double precision NOT NULL,
            ai_processing_time_ms double precision NOT NULL,
            phases text NOT NULL,
            threshold_ms double precision NOT NULL,
            severe_ms double precision NOT NULL,
            failed boolean NOT NULL,
            error text,
            timestamp bigint NOT NULL,
            prompt_tokens integer,
            completion_tokens integer,
            fallback_cause text,
            channel text NOT NULL DEFAULT 'text',
            trace_id text
        );
        CREATE INDEX ix_latency_session ON latency_records (session_id, question_number);
        CREATE INDEX ix_latency_time ON latency_records (timestamp);
        CREATE INDEX ix_latency_alerts ON latency_records (interview_type, timestamp) INCLUDE (failed, response_time_ms, threshold_ms);
        CREATE TABLE error_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            type text NOT NULL,
            message text NOT NULL,
            session_id text,
            question_number integer,
            response_time_ms double precision,
            threshold_ms double precision,
            timestamp bigint NOT NULL
        );
        CREATE INDEX ix_error_type_time ON error_log (type, timestamp);
        CREATE INDEX ix_error_time ON error_log (timestamp);
        CREATE TABLE invitations (
            token text PRIMARY KEY,
            concept_id text NOT NULL,
            candidate text,
            created_at bigint NOT NULL,
            session_id text,
            started_at bigint,
            expires_at bigint,
            revoked_at bigint
        );
        CREATE INDEX ix_invitations_created ON invitations (created_at, token);
        CREATE TABLE request_metrics (
            bucket_start bigint NOT NULL,
            method text NOT NULL,
            route text NOT NULL,
            status integer NOT NULL,
            histogram bytea NOT NULL,
            PRIMARY KEY (bucket_start, method, route, status)
        );
        CREATE TABLE budget_overrides (
            interview_type text PRIMARY KEY,
            threshold_ms double precision,
            severe_ms double precision
        );
        CREATE TABLE latency_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text NOT NULL,
            run_id text,
            interview_type text NOT NULL,
            timestamp bigint NOT NULL,
            total_ms double precision NOT NULL,
            phases text NOT NULL,
            tags text,
            threshold_ms double precision NOT NULL
        );
        CREATE INDEX ix_events_time ON latency_events (timestamp);
        CREATE TABLE latency_digests (
            size integer NOT NULL,
            bucket_start bigint NOT NULL,
            source text NOT NULL,
            interview_type text NOT NULL,
            phase text NOT NULL,
            count bigint NOT NULL,
            mean_ms double precision NOT NULL,
            m2 double precision NOT NULL,
            min_ms double precision NOT NULL,
            max_ms double precision NOT NULL,
            within_budget bigint NOT NULL,
            failed bigint NOT NULL,
            histogram bytea NOT NULL,
            PRIMARY KEY (size, bucket_start, source, interview_type, phase)
        );
        CREATE TABLE analytics_watermarks (
            feed text PRIMARY KEY,
            last_id bigint NOT NULL
        );
        INSERT INTO analytics_watermarks (feed, last_id) VALUES ('responses', 0), ('events', 0);
        CREATE TABLE turn_recordings (
            session_id text NOT NULL,
            question_number integer NOT NULL,
            sample_rate integer NOT NULL,
            pcm bytea NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (session_id, question_number)
        );
        CREATE INDEX ix_recordings_created ON turn_recordings (created_at);
        """,
        // Several instances on one database (issue 16): a lease lets one instance at a time run a background job (the
        // analytics rollup); the alerts' stored states let exactly one instance announce each change.
        """
        CREATE TABLE leases (
            name text PRIMARY KEY,
            holder text NOT NULL,
            expires_at bigint NOT NULL
        );
        CREATE TABLE alert_states (
            rule text NOT NULL,
            interview_type text NOT NULL,
            firing boolean NOT NULL,
            since bigint NOT NULL,
            PRIMARY KEY (rule, interview_type)
        );
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    // pg_advisory_lock's key for migrations: any constant that no other lock of this database uses ("Promptly" in ASCII).
    private const long MigrationLock = 0x50726f6d70746c79;

    /// <summary>
    /// Migrates to the latest version under a session-level advisory lock: instances starting together take turns,
    /// and each after the first finds the schema migrated. Each migration commits with its new version number.
    /// </summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, null, $"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
        try
        {
            await Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", cancellationToken);
            await using (var read = new NpgsqlCommand("SELECT version FROM schema_version", connection))
            {
                var current = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
                if (current > Migrations.Length)
                {
                    throw new InvalidOperationException(
                        $"The database schema is version {current}, newer than this server's {Migrations.Length}: upgrade the server.");
                }

                for (var i = current; i < Migrations.Length; i++)
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await Execute(connection, transaction, Migrations[i], cancellationToken);
                    await Execute(connection, transaction, i == 0 ? "INSERT INTO schema_version VALUES (1)" : $"UPDATE schema_version SET version = {i + 1}", cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
            }
        }
        finally
        {
            // A broken connection has lost the lock with its session already.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await Execute(connection, null, $"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
        }
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

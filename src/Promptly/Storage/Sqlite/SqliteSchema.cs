using Microsoft.Data.Sqlite;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations; <c>PRAGMA user_version</c> says how many are applied.
/// Append new migrations, never edit applied ones.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            concept_id TEXT NOT NULL,
            interview_type TEXT NOT NULL,
            candidate TEXT,
            status TEXT NOT NULL,
            question_number INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            ended_at INTEGER,
            invitation_token TEXT
        );
        CREATE TABLE messages (
            session_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            question_number INTEGER NOT NULL,
            element_id TEXT,
            kind TEXT,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE latency_records (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            candidate TEXT,
            interview_type TEXT NOT NULL,
            concept_id TEXT NOT NULL,
            question_number INTEGER NOT NULL,
            response_time_ms REAL NOT NULL,
            ai_processing_time_ms REAL NOT NULL,
            phases TEXT NOT NULL,
            threshold_ms REAL NOT NULL,
            severe_ms REAL NOT NULL,
            failed INTEGER NOT NULL,
            error TEXT,
            timestamp INTEGER NOT NULL
        );
        CREATE INDEX ix_latency_session ON latency_records (session_id, question_number);
        CREATE INDEX ix_latency_time ON latency_records (timestamp);
        CREATE TABLE error_log (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            message TEXT NOT NULL,
            session_id TEXT,
            question_number INTEGER,
            response_time_ms REAL,
            threshold_ms REAL,
            timestamp INTEGER NOT NULL
        );
        CREATE INDEX ix_error_type_time ON error_log (type, timestamp);
        CREATE TABLE invitations (
            token TEXT PRIMARY KEY,
            concept_id TEXT NOT NULL,
            candidate TEXT,
            created_at INTEGER NOT NULL,
            session_id TEXT,
            started_at INTEGER
        );
        CREATE TABLE request_metrics (
            bucket_start INTEGER NOT NULL,
            method TEXT NOT NULL,
            route TEXT NOT NULL,
            status INTEGER NOT NULL,
            histogram BLOB NOT NULL,
            PRIMARY KEY (bucket_start, method, route, status)
        ) WITHOUT ROWID;
        CREATE TABLE budget_overrides (
            interview_type TEXT PRIMARY KEY,
            threshold_ms REAL,
            severe_ms REAL
        );
        """,
        """
        CREATE TABLE latency_events (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            run_id TEXT,
            interview_type TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            total_ms REAL NOT NULL,
            phases TEXT NOT NULL,
            tags TEXT,
            threshold_ms REAL NOT NULL
        );
        CREATE INDEX ix_events_time ON latency_events (timestamp);
        CREATE TABLE latency_digests (
            size INTEGER NOT NULL,
            bucket_start INTEGER NOT NULL,
            source TEXT NOT NULL,
            interview_type TEXT NOT NULL,
            phase TEXT NOT NULL,
            count INTEGER NOT NULL,
            mean_ms REAL NOT NULL,
            m2 REAL NOT NULL,
            min_ms REAL NOT NULL,
            max_ms REAL NOT NULL,
            within_budget INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            histogram BLOB NOT NULL,
            PRIMARY KEY (size, bucket_start, source, interview_type, phase)
        ) WITHOUT ROWID;
        CREATE TABLE analytics_watermarks (
            feed TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE latency_records ADD COLUMN prompt_tokens INTEGER;
        ALTER TABLE latency_records ADD COLUMN completion_tokens INTEGER;
        ALTER TABLE latency_records ADD COLUMN fallback_cause TEXT;
        """,
        // Whole-run digests (phase '') apart from the phases' in a covering index: trends and compliance read only
        // those, and in the table they are interleaved with every phase's digest, so an hourly trend over a month
        // read five times the pages it needs (about 30 ms of a 100 ms query over 10 million responses).
        """
        CREATE INDEX ix_digest_totals ON latency_digests
            (size, bucket_start, source, interview_type, phase, count, mean_ms, m2, min_ms, max_ms, within_budget, failed, histogram)
            WHERE phase = '';
        """,
        """
        ALTER TABLE latency_records ADD COLUMN channel TEXT NOT NULL DEFAULT 'text';
        """,
        // A spoken turn's audio, written once per turn after the turn: large rows of their own, never read on a turn's path.
        """
        CREATE TABLE turn_recordings (
            session_id TEXT NOT NULL,
            question_number INTEGER NOT NULL,
            sample_rate INTEGER NOT NULL,
            pcm BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (session_id, question_number)
        );
        """,
        // Candidates' session tokens (only their hashes), and invitations that expire or are revoked.
        """
        ALTER TABLE sessions ADD COLUMN token_hash BLOB;
        ALTER TABLE sessions ADD COLUMN token_expires_at INTEGER;
        ALTER TABLE invitations ADD COLUMN expires_at INTEGER;
        ALTER TABLE invitations ADD COLUMN revoked_at INTEGER;
        """,
        // The trace of each response, when traces are exported (OTEL_EXPORTER_OTLP_ENDPOINT).
        """
        ALTER TABLE latency_records ADD COLUMN trace_id TEXT;
        """,
        // What a completed interview reached, for the interview statistics (issue 14), which read sessions by start.
        // The index holds no column a turn changes: every turn's UPDATE of the session would otherwise rewrite its
        // entry (a covering index made the statistics twice as fast and every turn dearer; turns come first).
        """
        ALTER TABLE sessions ADD COLUMN element_coverage REAL;
        ALTER TABLE sessions ADD COLUMN orphan_ratio REAL;
        CREATE INDEX ix_sessions_created ON sessions (created_at);
        """,
        // Burn-rate alerts count each interview type's responses, and those within budget, over windows of up to days
        // every 30 s: a range of this index per type answers from the index alone, already grouped by type.
        """
        CREATE INDEX ix_latency_alerts ON latency_records (interview_type, timestamp, failed, response_time_ms, threshold_ms);
        """,
        // The operators' list of sessions (issue 15). Transcripts are searched with FTS5: messages is WITHOUT ROWID, so
        // no external-content table can point at it; the index is contentless (the text stays in messages alone), one
        // row per message keyed by search_key * 2^20 + seq. search_key is a stable integer per session (a plain rowid
        // may change on VACUUM), so a hit names its session by division and erasing a session finds its rows by key.
        // The list pages newest first on (created_at, id); that index replaces the one on created_at alone, and holds no
        // column a turn changes. A word is looked up in every segment of the index, so a search costs in proportion to
        // their number: inserts merge segments four at a level (FTS5's automerge), and usermerge = 2 lets
        // TranscriptIndexer merge any two of a level in the background, which keeps about one a level (a common
        // word's search 24 ms to 5 ms over a million sessions: BENCHMARKS.md, "Sessions list").
        """
        ALTER TABLE sessions ADD COLUMN search_key INTEGER;
        UPDATE sessions SET search_key = rowid;
        CREATE UNIQUE INDEX ix_sessions_search_key ON sessions (search_key);
        DROP INDEX ix_sessions_created;
        CREATE INDEX ix_sessions_created ON sessions (created_at, id, search_key);
        CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = '', tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO messages_fts (rowid, content)
            SELECT s.search_key * 1048576 + m.seq, m.content FROM messages m JOIN sessions s ON s.id = m.session_id;
        INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', 2);
        """,
        // As PostgreSQL's (issue 16): a lease for one-at-a-time background jobs and the alerts' stored states, which a
        // second process on the same file (the command line) respects as another instance would.
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE alert_states (
            rule TEXT NOT NULL,
            interview_type TEXT NOT NULL,
            firing INTEGER NOT NULL,
            since INTEGER NOT NULL,
            PRIMARY KEY (rule, interview_type)
        );
        """,
        // Turns queue their messages' keys for the transcript index instead of indexing them in their own transaction
        // (FTS5 writes a segment of the index at each such commit); TranscriptIndexer indexes the queue hundreds at a
        // time, and a search indexes what is queued before it reads. Appended in id order, a turn's insert touches the
        // table's last page only.
        """
        CREATE TABLE transcript_queue (id INTEGER PRIMARY KEY, key INTEGER NOT NULL);
        """,
        // The transcript index moved to a file of its own (TranscriptIndex, promptly.search.db), written beside the
        // writer rather than through it; it is built there from the messages at the first start. The queue stays: the
        // index reads it, and an erasure adds its session's search_key negated.
        """
        DROP TABLE messages_fts;
        """,
        // Messages in the order they are written, found by session through a small integer index; latency records by
        // session the same way. Keyed by session (a 32-character id) each turn landed in a page of its own session in
        // both B-trees, so a commit of N turns wrote about 2N pages to the WAL, fsynced and checkpointed them: 12 KB
        // written a turn. Appended, the messages of a commit share their last pages, and (session_key, seq) entries are
        // a few bytes, so the open sessions' entries fit in a few pages (BENCHMARKS.md, "Turns that write fewer pages").
        // session_key is the session's search_key, which the turn's UPDATE of its session returns. The transcript index
        // takes the messages past the last id it indexed, so turns queue nothing for it (transcript_queue keeps only
        // erasures): AUTOINCREMENT, so that no id is given again after the newest messages are erased.
        """
        CREATE TABLE messages_appended (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            question_number INTEGER NOT NULL,
            element_id TEXT,
            kind TEXT,
            created_at INTEGER NOT NULL
        );
        INSERT INTO messages_appended (session_key, seq, role, content, question_number, element_id, kind, created_at)
            SELECT s.search_key, m.seq, m.role, m.content, m.question_number, m.element_id, m.kind, m.created_at
            FROM messages m JOIN sessions s ON s.id = m.session_id ORDER BY s.search_key, m.seq;
        DROP TABLE messages;
        ALTER TABLE messages_appended RENAME TO messages;
        CREATE UNIQUE INDEX ix_messages_session ON messages (session_key, seq);
        ALTER TABLE latency_records ADD COLUMN session_key INTEGER;
        UPDATE latency_records SET session_key = (SELECT search_key FROM sessions WHERE id = latency_records.session_id);
        DROP INDEX ix_latency_session;
        CREATE INDEX ix_latency_session ON latency_records (session_key, question_number);
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// For a read-only reader: the schema must be this build's, since a reader cannot migrate an older one and does
    /// not know a newer one.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Another schema version, named with this build's.</exception>
    public static void RequireLatest(SqliteConnection connection, string path)
    {
        var current = Version(connection);
        if (current == Migrations.Length) return;
        var advice = current < Migrations.Length
            ? "it is read-only here and never migrated: start this version's server on it once to migrate it, or read it with the promptly that wrote it"
            : "it was written by a newer promptly: read it with that version";
        throw new StorageUnavailableException(
            $"The database at {path} has schema version {current}, this promptly reads version {Migrations.Length}; {advice}.", null);
    }

    public static int Version(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(version.ExecuteScalar());
    }

    public static void Migrate(SqliteConnection connection) => Migrate(connection, Migrations.Length);

    /// <summary>Migrates up to <paramref name="version"/>; tests build an older database with it.</summary>
    internal static void Migrate(SqliteConnection connection, int version)
    {
        var current = Version(connection);
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException($"The database schema is version {current}, newer than this server's {Migrations.Length}: upgrade the server.");
        }

        for (var i = current; i < Math.Min(version, Migrations.Length); i++)
        {
            using var transaction = connection.BeginTransaction();
            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = $"{Migrations[i]}\nPRAGMA user_version = {i + 1};";
            migrate.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}

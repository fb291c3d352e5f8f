using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// The transcript index (<c>messages_fts</c>, a contentless FTS5 table with one row per message) in a database file of
/// its own beside the store's (<c>promptly.search.db</c>), written through a connection of its own. Indexing takes
/// neither the store's write lock nor its writer's time: in the store's file, each step of indexing was a write that the
/// turns queued behind waited for, and it was a quarter of a turn's server CPU (BENCHMARKS.md, "The transcript index
/// off the writer").
/// </summary>
/// <remarks>
/// <para>
/// The store's messages are appended with ids that only grow (AUTOINCREMENT), so the messages past
/// <c>messages_through</c> are what is left to index; an erasure appends its session's key, negated, to the store's
/// <c>transcript_queue</c>. <see cref="IndexPending"/> reads both past where it stopped from the store (attached as
/// <c>store</c>, read in one snapshot, never written), indexes the new messages, drops the erased sessions' rows, and
/// moves both marks on in the same transaction of this file: after a crash the index resumes where its last commit
/// left it, and no message is indexed twice or skipped. The store's writer trims the queue up to there later
/// (<see cref="SqliteStore.TrimTranscriptQueueAsync"/>), keeping the last entry so that ids only grow. This file is
/// fsynced at each commit (on the indexer's thread, not a request's), so a trimmed entry is always applied for good.
/// </para>
/// <para>
/// The file is derived: created and built from every stored message when it is missing (a first start, an upgrade
/// from a store that held the index itself) or does not match the store (one restored from a backup); deleting it
/// makes the next start build it again.
/// </para>
/// </remarks>
internal sealed class TranscriptIndex : IDisposable
{
    // 2: messages taken from the store's messages table, no longer from the queue.
    private const int Version = 2;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string _storePath;
    private readonly ILogger _logger;
    private SqliteConnection _connection;
    private WriteContext _context;
    private long _indexedThrough;
    private long _messagesThrough;
    private int _disposed;

    public TranscriptIndex(string storePath, ILogger logger)
    {
        _storePath = storePath;
        _logger = logger;
        Path = PathBeside(storePath);
        try
        {
            if (Open()) return;
            _logger.LogWarning("The transcript index {Path} does not match the database, or was built by an earlier version; it is built again", Path);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SQLitePCL.raw.SQLITE_CORRUPT or SQLitePCL.raw.SQLITE_NOTADB)
        {
            _logger.LogWarning(e, "The transcript index {Path} cannot be read; it is built again", Path);
        }

        Close();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" }) File.Delete(file);
        Open();
    }

    /// <summary>The index's file.</summary>
    public string Path { get; }

    /// <summary>Where the index of the store at <paramref name="storePath"/> is kept: <c>promptly.db</c> → <c>promptly.search.db</c>.</summary>
    private static string PathBeside(string storePath) => System.IO.Path.ChangeExtension(storePath, ".search.db");

    /// <summary>The highest queue id applied so far; the store's queue may be trimmed below it.</summary>
    public long IndexedThrough => Volatile.Read(ref _indexedThrough);

    /// <summary>
    /// Indexes up to <paramref name="limit"/> new messages and applies up to as many queued erasures, oldest first, in
    /// one transaction of the index's file; returns how many of both it took.
    /// </summary>
    public async Task<int> IndexPendingAsync(long limit, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var step = InTransaction(() => IndexPending(limit));
            _messagesThrough = step.Messages.Through;
            Volatile.Write(ref _indexedThrough, step.Erasures.Through);
            return step.Messages.Count + step.Erasures.Count;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// One bounded step of merging the index's segments (FTS5's <c>merge</c> command, at most about
    /// <paramref name="pages"/> pages written). False when there was nothing left to merge: no level holds two segments.
    /// </summary>
    public async Task<bool> MergeAsync(int pages)
    {
        await _lock.WaitAsync();
        try
        {
            // FTS5 tells whether a merge did anything only through the connection's change count: under two, nothing.
            var before = Scalar("SELECT total_changes()");
            _context.Execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', @p0)", pages);
            return Scalar("SELECT total_changes()") - before >= 2;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Opens the file, building the index when it is new; false when the index was built by an earlier version or is
    /// ahead of the store (not the store it was built from: a restored backup).
    /// </summary>
    [MemberNotNull(nameof(_connection), nameof(_context))]
    private bool Open()
    {
        // Not pooled: one connection for the life of the store, which has the store attached.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        _connection = connection;
        _context = new WriteContext(connection);
        _context.Execute("PRAGMA journal_mode = WAL");
        _context.Execute("PRAGMA synchronous = FULL");
        _context.Execute("ATTACH DATABASE @p0 AS store", _storePath);
        if (Scalar("PRAGMA user_version") == 0) InTransaction(Build);
        if (Scalar("PRAGMA user_version") != Version) return false;
        using (var state = _context.Query("SELECT indexed_through, messages_through FROM index_state"))
        {
            state.Read();
            (_indexedThrough, _messagesThrough) = (state.GetInt64(0), state.GetInt64(1));
        }

        return _indexedThrough <= Scalar(QueueEnd) && _messagesThrough <= Scalar(MessagesEnd);
    }

    // Where the store's queue and messages end: ids never given again (AUTOINCREMENT keeps the messages' in sqlite_sequence).
    private const string QueueEnd = "SELECT coalesce(max(id), 0) FROM store.transcript_queue";

    private const string MessagesEnd = "SELECT coalesce((SELECT seq FROM store.sqlite_sequence WHERE name = 'messages'), 0)";

    /// <summary>
    /// Creates the index and fills it with every stored message, and the ends of the messages and the queue as read in
    /// the same snapshot: what comes after them is indexed by the steps, what was there before is already in. The
    /// messages go in in rowid order, as a step's do (<see cref="IndexPending"/>).
    /// </summary>
    private bool Build()
    {
        _logger.LogInformation("Building the transcript index {Path} from the stored messages", Path);
        _context.Execute(
            // contentless_delete: an erasure removes a session's rows by their keys alone, its text being gone.
            // usermerge = 2: the background merge joins any two segments of a level, keeping about one a level.
            $"""
            CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
            INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', 2);
            CREATE TABLE index_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL, messages_through INTEGER NOT NULL);
            INSERT INTO index_state (id, indexed_through, messages_through) VALUES (1, ({QueueEnd}), ({MessagesEnd}));
            INSERT INTO messages_fts (rowid, content)
                SELECT m.session_key * 1048576 + m.seq, m.content FROM store.messages m ORDER BY m.session_key, m.seq;
            """);
        _context.Execute($"PRAGMA user_version = {Version}");
        return true;
    }

    /// <summary>How far a step took one of the store's tables: the rows it took, and the last one's id.</summary>
    private readonly record struct Taken(int Count, long Through);

    /// <summary>One step: the new messages indexed, and the queued erasures applied.</summary>
    private (Taken Messages, Taken Erasures) IndexPending(long limit)
    {
        var messages = Next("store.messages", _messagesThrough, limit);
        var erasures = Next("store.transcript_queue", _indexedThrough, limit);
        // In rowid order: the messages come in the order written, the open sessions' interleaved, and FTS5 writes out
        // what it holds in memory as a new segment whenever a rowid is lower than the one before it; in write order a
        // step left a segment every message or two and spent most of its time merging them again (BENCHMARKS.md, "The
        // transcript index in rowid order"). Sorted, a step writes one segment.
        if (messages.Count > 0)
        {
            _context.Execute(
                "INSERT INTO messages_fts (rowid, content) SELECT session_key * 1048576 + seq, content FROM store.messages WHERE id > @p0 AND id <= @p1 ORDER BY session_key, seq",
                _messagesThrough, messages.Through);
        }

        // An erased session's messages are gone from the store, so none of them is indexed above; these remove those
        // indexed before. Keys queued positive are from before version 2 (turns queued their messages then): never
        // past a rebuilt index's mark, and skipped.
        if (erasures.Count > 0)
        {
            _context.Execute(
                """
                DELETE FROM messages_fts WHERE rowid IN (
                    SELECT f.rowid FROM store.transcript_queue q JOIN messages_fts f
                        ON f.rowid BETWEEN -q.key * 1048576 AND -q.key * 1048576 + 1048575
                    WHERE q.id > @p0 AND q.id <= @p1 AND q.key < 0)
                """, _indexedThrough, erasures.Through);
        }

        if (messages.Count > 0 || erasures.Count > 0)
        {
            _context.Execute("UPDATE index_state SET indexed_through = @p0, messages_through = @p1", erasures.Through, messages.Through);
        }

        return (messages, erasures);
    }

    /// <summary>Up to <paramref name="limit"/> rows of <paramref name="table"/> past <paramref name="through"/>, by id.</summary>
    private Taken Next(string table, long through, long limit)
    {
        using var reader = _context.Query($"SELECT count(*), coalesce(max(id), @p0) FROM (SELECT id FROM {table} WHERE id > @p0 ORDER BY id LIMIT @p1)", through, limit);
        reader.Read();
        return new Taken(reader.GetInt32(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of the index's file and commits it. Deferred: the store is only
    /// read (one snapshot), so its writer's lock is never taken; this file's is taken at the first write.
    /// </summary>
    private T InTransaction<T>(Func<T> work)
    {
        using var transaction = _connection.BeginTransaction(deferred: true);
        _context.Transaction = transaction;
        try
        {
            var result = work();
            transaction.Commit();
            return result;
        }
        finally
        {
            _context.Transaction = null;
        }
    }

    private long Scalar(string sql) => Convert.ToInt64(_context.Scalar(sql));

    private void Close()
    {
        _context?.Dispose();
        _connection?.Dispose();
    }

    public void Dispose()
    {
        // Once (the host disposes the store once for each way it is registered), and after any step in progress.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _lock.Wait();
        Close();
    }
}

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
/// Turns append their messages' keys to the store's <c>transcript_queue</c> in their own transaction; an erasure appends
/// its session's key negated. <see cref="IndexQueued"/> reads the queue past <c>indexed_through</c> and the messages'
/// text from the store (attached as <c>store</c>, read in one snapshot, never written) and indexes them in one
/// transaction of this file that also moves <c>indexed_through</c> on: after a crash the index resumes where its last
/// commit left it, and no message is indexed twice or skipped. The store's writer trims the queue up to there later
/// (<see cref="SqliteStore.TrimTranscriptQueueAsync"/>), keeping the last entry so that ids only grow. This file is
/// fsynced at each commit (on the indexer's thread, not a request's), so a trimmed entry is always indexed for good.
/// </para>
/// <para>
/// The file is derived: created and built from every stored message when it is missing (a first start, an upgrade
/// from a store that held the index itself) or does not match the store (one restored from a backup); deleting it
/// makes the next start build it again.
/// </para>
/// </remarks>
internal sealed class TranscriptIndex : IDisposable
{
    private const int Version = 1;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string _storePath;
    private readonly ILogger _logger;
    private SqliteConnection _connection;
    private WriteContext _context;
    private long _indexedThrough;
    private int _disposed;

    public TranscriptIndex(string storePath, ILogger logger)
    {
        _storePath = storePath;
        _logger = logger;
        Path = PathBeside(storePath);
        try
        {
            Open();
            // Ahead of the store's queue: the store is not the one this was built from (a restored backup).
            if (_indexedThrough <= Scalar("SELECT coalesce(max(id), 0) FROM store.transcript_queue")) return;
            _logger.LogWarning("The transcript index {Path} does not match the database; it is built again", Path);
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

    /// <summary>The highest queue id indexed so far; the store's queue may be trimmed below it.</summary>
    public long IndexedThrough => Volatile.Read(ref _indexedThrough);

    /// <summary>
    /// Indexes up to <paramref name="limit"/> queued entries, oldest first, in one transaction of the index's file;
    /// returns how many it took from the queue.
    /// </summary>
    public async Task<int> IndexQueuedAsync(long limit, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var (taken, last) = InTransaction(() => IndexQueued(limit));
            if (taken > 0) Volatile.Write(ref _indexedThrough, last);
            return taken;
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

    [MemberNotNull(nameof(_connection), nameof(_context))]
    private void Open()
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
        _indexedThrough = Scalar("SELECT indexed_through FROM index_state");
    }

    /// <summary>
    /// Creates the index and fills it with every stored message, and the queue's end as read in the same snapshot:
    /// what is queued after it is indexed from the queue, what was queued before is already in.
    /// </summary>
    private bool Build()
    {
        _logger.LogInformation("Building the transcript index {Path} from the stored messages", Path);
        _context.Execute(
            // contentless_delete: an erasure removes a session's rows by their keys alone, its text being gone.
            // usermerge = 2: the background merge joins any two segments of a level, keeping about one a level.
            """
            CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
            INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', 2);
            CREATE TABLE index_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
            INSERT INTO index_state (id, indexed_through) SELECT 1, coalesce(max(id), 0) FROM store.transcript_queue;
            INSERT INTO messages_fts (rowid, content)
                SELECT m.session_key * 1048576 + m.seq, m.content FROM store.messages m;
            """);
        _context.Execute($"PRAGMA user_version = {Version}");
        return true;
    }

    /// <summary>The entries taken from the queue, and the last one's id.</summary>
    private (int Taken, long Last) IndexQueued(long limit)
    {
        var through = _indexedThrough;
        long taken, last;
        using (var reader = _context.Query(
            "SELECT count(*), coalesce(max(id), 0) FROM (SELECT id FROM store.transcript_queue WHERE id > @p0 ORDER BY id LIMIT @p1)", through, limit))
        {
            reader.Read();
            (taken, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (taken == 0) return (0, through);
        _context.Execute(
            """
            INSERT INTO messages_fts (rowid, content)
            SELECT q.key, m.content FROM store.transcript_queue q
            JOIN store.messages m ON m.session_key = q.key / 1048576 AND m.seq = q.key % 1048576
            WHERE q.id > @p0 AND q.id <= @p1 AND q.key > 0
            """, through, last);
        // An erased session's messages are gone from the store, so none of them is indexed above; these remove those
        // indexed before.
        _context.Execute(
            """
            DELETE FROM messages_fts WHERE rowid IN (
                SELECT f.rowid FROM store.transcript_queue q JOIN messages_fts f
                    ON f.rowid BETWEEN -q.key * 1048576 AND -q.key * 1048576 + 1048575
                WHERE q.id > @p0 AND q.id <= @p1 AND q.key < 0)
            """, through, last);
        _context.Execute("UPDATE index_state SET indexed_through = @p0", last);
        return ((int)taken, last);
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

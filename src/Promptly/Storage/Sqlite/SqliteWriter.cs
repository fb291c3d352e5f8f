using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// The single writer of the database. Writes queue up while a transaction commits and the next transaction takes
/// them all (group commit): under load one fsync covers many turns, and a write's task completes only after the
/// transaction holding it has committed and is durable.
/// </summary>
/// <remarks>
/// <para>
/// With <c>synchronous=FULL</c> the fsync is taken out of the writer's path but not out of the write's: the
/// connection commits without syncing (SQLite's <c>NORMAL</c>), and a thread of its own then fsyncs the WAL file and
/// only after that completes every write whose transaction was committed before the fsync began. While one fsync
/// runs, the writer already executes and commits the next batch, and the next fsync covers all of them. What a client
/// is told is therefore exactly as durable as under SQLite's <c>FULL</c> (the WAL holding its transaction was
/// fsynced before the answer); another connection may see a transaction a moment before it is durable. Checkpoints
/// still sync the WAL themselves before copying it into the database. <c>NORMAL</c> and <c>EXTRA</c> are SQLite's own.
/// </para>
/// <para>
/// A write that fails (a conflict) is rolled back alone and the rest of its batch still commits: a batch first runs
/// without savepoints, and only when one of its writes fails is it rolled back and run again with a savepoint per
/// write. Writes run in the order they were queued, except background writes
/// (<see cref="WriteInBackgroundAsync{T}"/>), which wait for a moment when no other write is queued so that
/// housekeeping never holds up a request.
/// </para>
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly WriteQueue<WriteOperation> _queue;
    private readonly SqliteConnection _connection;
    private readonly WriteContext _context;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private readonly ILogger _logger;
    private readonly Action<int>? _committed;

    // synchronous=FULL only: committed writes waiting for the next fsync of the WAL, and the thread that takes it.
    private readonly object _syncLock = new();
    private readonly Thread? _syncThread;
    private readonly string? _walPath;
    private readonly SemaphoreSlim _mayCommit = new(1, 1);
    private List<WriteOperation> _unsynced = [];
    private bool _syncStopping;

    // Set by the checkpointer when the WAL outgrew its bound: one checkpoint before the next transaction.
    private int _checkpointRequested;

    /// <param name="committed">Told the number of writes of each committed transaction (the group commit's size).</param>
    /// <param name="checkpointInterval">
    /// Time between the checkpointer's passes (<see cref="WalCheckpointer.DefaultInterval"/> when not given);
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none but those asked of <see cref="Checkpointer"/>.
    /// </param>
    public SqliteWriter(string connectionString, string synchronous, int maxBatch, ILogger logger, Action<int>? committed = null, TimeSpan? checkpointInterval = null)
    {
        _committed = committed;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        var level = synchronous.ToUpperInvariant();
        var syncAfterCommit = level == "FULL";
        using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA synchronous = {(syncAfterCommit ? "NORMAL" : level)}; {WalCheckpointer.WriterPragmas}";
            pragma.ExecuteNonQuery();
        }

        Checkpointer = new WalCheckpointer(connectionString, CheckpointBeforeNextTransaction, logger, checkpointInterval ?? WalCheckpointer.DefaultInterval);
        _context = new WriteContext(_connection);
        _maxBatch = maxBatch;
        _queue = new WriteQueue<WriteOperation>(maxBatch, nameof(SqliteWriter));
        _logger = logger;
        if (syncAfterCommit)
        {
            _walPath = _connection.DataSource + "-wal";
            _syncThread = new Thread(SyncLoop) { IsBackground = true, Name = "Promptly WAL fsync" };
            _syncThread.Start();
        }

        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues <paramref name="work"/>; the task completes once its transaction is durable.</summary>
    /// <param name="work">The write, run on the writer's thread inside the next transaction.</param>
    /// <param name="cancellationToken">
    /// The caller's: a write whose token is cancelled by the time the writer takes it is dropped unrun (its task is
    /// cancelled), so a request abandoned while its write queued leaves nothing stored.
    /// </param>
    public Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation<T>(work, background: false, cancellationToken));

    /// <summary>
    /// Queues housekeeping (the rollup, retention, request metrics) behind the requests' writes: it runs in a
    /// transaction of its own, only when no request's write is waiting, or once it has waited
    /// <see cref="QueuedWrite.BackgroundMaxWait"/> under unbroken load. The task completes once its transaction is durable.
    /// </summary>
    public Task<T> WriteInBackgroundAsync<T>(Func<WriteContext, T> work) => Enqueue(new WriteOperation<T>(work, background: true, CancellationToken.None));

    /// <summary>Copies this writer's WAL back into the database file, off the writer's thread.</summary>
    public WalCheckpointer Checkpointer { get; }

    /// <summary>
    /// Has the writer checkpoint once before its next transaction: with nothing appended meanwhile the checkpoint copies
    /// the whole WAL, and that transaction starts it over. For <see cref="Checkpointer"/>, whose own checkpoints
    /// beside the writer cannot get that far under unbroken writes.
    /// </summary>
    public void CheckpointBeforeNextTransaction() => Volatile.Write(ref _checkpointRequested, 1);

    /// <summary>Writes queued and not yet taken into a transaction.</summary>
    public int Queued => _queue.Queued;

    private Task<T> Enqueue<T>(WriteOperation<T> operation)
    {
        _queue.Enqueue(operation);
        return operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        var single = new List<WriteOperation>(1);
        while (await _queue.WaitAsync().ConfigureAwait(false))
        {
            // Commit only once the fsync thread has taken the transaction committed before: then at most one waits
            // for the fsync after the running one, and what queues meanwhile goes into one transaction (one commit,
            // one write of each page touched, per fsync) rather than into many small ones.
            await _mayCommit.WaitAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref _checkpointRequested, 0) == 1) WalCheckpointer.Passive(_connection.Handle!, _logger);
            if (_queue.Take(batch) is { } due)
            {
                single.Clear();
                single.Add(due);
                Commit(single);
                if (batch.Count == 0) continue;
                await _mayCommit.WaitAsync().ConfigureAwait(false);
            }

            if (batch.Count > 0) Commit(batch);
            else _mayCommit.Release();
        }
    }

    private void Commit(List<WriteOperation> batch)
    {
        var committed = false;
        try
        {
            committed = TryWithoutSavepoints(batch) || WithSavepoints(batch);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A write transaction of {Count} operations failed", batch.Count);
            var failure = new StorageUnavailableException($"The database could not commit: {e.Message}", e);
            foreach (var operation in batch)
            {
                operation.Fail(failure);
            }
        }
        finally
        {
            _context.Transaction = null;
        }

        if (committed) _committed?.Invoke(batch.Count);

        if (committed && _syncThread is not null)
        {
            // The fsync thread gives the permit back when it takes these writes.
            lock (_syncLock)
            {
                _unsynced.AddRange(batch);
                Monitor.Pulse(_syncLock);
            }

            return;
        }

        _mayCommit.Release();

        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    /// <summary>
    /// The usual case, every write succeeding, without a savepoint per write (two statements less each, and no
    /// copies of pages into a sub-journal). When a write fails, the whole transaction is rolled back and nothing is
    /// reported yet: the batch runs again with savepoints. Writes are functions of the database (a sealed latency
    /// record is built once and kept), so running one again does the same.
    /// </summary>
    private bool TryWithoutSavepoints(List<WriteOperation> batch)
    {
        using var transaction = _connection.BeginTransaction();
        _context.Transaction = transaction;
        foreach (var operation in batch)
        {
            try
            {
                operation.Run(_context);
            }
            catch (Exception e) when (!IsFatal(e))
            {
                transaction.Rollback();
                return false;
            }
        }

        transaction.Commit();
        return true;
    }

    /// <summary>Each write in a savepoint of its own: a failing one is rolled back and reported alone.</summary>
    private bool WithSavepoints(List<WriteOperation> batch)
    {
        using var transaction = _connection.BeginTransaction();
        _context.Transaction = transaction;
        foreach (var operation in batch)
        {
            _context.Savepoint.Run();
            try
            {
                operation.Run(_context);
                _context.Release.Run();
            }
            catch (Exception e) when (!IsFatal(e))
            {
                _context.RollbackTo.Run();
                _context.Release.Run();
                operation.Fail(e);
            }
        }

        transaction.Commit();
        return true;
    }

    // A full disk or an I/O error fails the whole transaction, not one write.
    private static bool IsFatal(Exception e) => e is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_IOERR };

    /// <summary>
    /// Takes every write committed so far, fsyncs the WAL, completes them, and again: one fsync at a time, each
    /// covering all the transactions committed while the one before ran.
    /// </summary>
    private void SyncLoop()
    {
        var syncing = new List<WriteOperation>();
        FileStream? wal = null;
        while (true)
        {
            lock (_syncLock)
            {
                while (_unsynced.Count == 0 && !_syncStopping) Monitor.Wait(_syncLock);
                if (_unsynced.Count == 0)
                {
                    wal?.Dispose();
                    return;
                }

                (_unsynced, syncing) = (syncing, _unsynced);
            }

            _mayCommit.Release();

            StorageUnavailableException? failure = null;
            try
            {
                // A handle of our own on the WAL; the writer's connection keeps the file in place while it is open.
                wal ??= new FileStream(_walPath!, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                wal.Flush(flushToDisk: true);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "The WAL could not be fsynced; {Count} committed writes are reported as failed", syncing.Count);
                failure = new StorageUnavailableException($"The database could not make the write durable: {e.Message}", e);
                wal?.Dispose();
                wal = null;
            }

            foreach (var operation in syncing)
            {
                if (failure is not null) operation.Fail(failure);
                operation.Complete();
            }

            syncing.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _loop.ConfigureAwait(false);
        if (_syncThread is not null)
        {
            lock (_syncLock)
            {
                _syncStopping = true;
                Monitor.Pulse(_syncLock);
            }

            _syncThread.Join();
        }

        Checkpointer.Dispose();
        _context.Dispose();
        _mayCommit.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class WriteOperation(bool background) : QueuedWrite(background)
    {
        public abstract void Run(WriteContext context);
    }

    private sealed class WriteOperation<T>(Func<WriteContext, T> work, bool background, CancellationToken cancellationToken) : WriteOperation(background)
    {
        // Not readonly: a mutable struct, changed in place.
        private WriteResult<T> _result = new(cancellationToken);

        public Task<T> Task => _result.Task;

        public override bool DropIfCancelled() => _result.DropIfCancelled();

        public override void Run(WriteContext context) => _result.Set(work(context));

        public override void Fail(Exception e) => _result.Fail(e);

        public override void Complete() => _result.Complete();
    }
}

/// <summary>What a queued write sees: prepared statements on one connection (the writer's, or the transcript index's), inside the open transaction.</summary>
/// <remarks>
/// Hot writes use <see cref="Statement"/> (positional parameters, bound straight into SQLite); the rest use
/// <see cref="Execute"/>, <see cref="Scalar"/> and <see cref="Query"/> with parameters named <c>@p0</c>, <c>@p1</c>, ….
/// Used by one thread at a time: the writer's, or the transcript index's under its lock (<see cref="TranscriptIndex"/>).
/// </remarks>
internal sealed class WriteContext(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WriteStatement> _statements = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private Utf8JsonWriter? _json;

    public SqliteTransaction? Transaction { get; set; }

    public WriteStatement Savepoint => Statement("SAVEPOINT w");

    public WriteStatement Release => Statement("RELEASE w");

    public WriteStatement RollbackTo => Statement("ROLLBACK TO w");

    /// <summary>The statement for <paramref name="sql"/>, prepared on first use and kept: parameters <c>?1</c>, <c>?2</c>, ….</summary>
    public WriteStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new WriteStatement(connection.Handle!, sql);
            _statements[sql] = statement;
        }

        return statement;
    }

    /// <summary>A JSON writer over a buffer reused by every write; the text is valid until the next call.</summary>
    public Utf8JsonWriter Json()
    {
        _scratch.ResetWrittenCount();
        if (_json is null) _json = new Utf8JsonWriter(_scratch);
        else _json.Reset(_scratch);
        return _json;
    }

    /// <summary>What the writer from <see cref="Json"/> wrote (after its Flush).</summary>
    public ReadOnlySpan<byte> JsonWritten => _scratch.WrittenSpan;

    /// <summary>Runs a statement whose parameters are named <c>@p0</c>, <c>@p1</c>, … in argument order.</summary>
    public int Execute(string sql, params ReadOnlySpan<object?> args) => Bind(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params ReadOnlySpan<object?> args) => Bind(sql, args).ExecuteScalar();

    public SqliteDataReader Query(string sql, params ReadOnlySpan<object?> args) => Bind(sql, args).ExecuteReader();

    private SqliteCommand Bind(string sql, ReadOnlySpan<object?> args)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < args.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter($"@p{i}", null));
            }

            _prepared[sql] = command;
        }

        command.Transaction = Transaction;
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters[i].Value = args[i] ?? DBNull.Value;
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _json?.Dispose();
    }
}

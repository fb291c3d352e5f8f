using Npgsql;

namespace Promptly.Storage.Postgres;

/// <summary>
/// The instance's one writer to PostgreSQL, as <see cref="Sqlite.SqliteWriter"/> is SQLite's: writes queue up while a
/// transaction commits and the next transaction takes them all (group commit), and a write's task completes only
/// after the transaction holding it has committed (with <c>synchronous_commit</c> on, after the commit record is
/// flushed): under load one WAL flush covers many turns.
/// </summary>
/// <remarks>
/// <para>
/// Why one writer rather than a pooled connection per write, although PostgreSQL runs concurrent transactions itself:
/// the analytics rollup folds raw rows in id order behind a watermark, which is only sound if no row can commit with
/// an id below one already visible. Identity values are handed out at insert, not at commit, so two transactions
/// committing out of order would let the rollup pass over the earlier one's rows for good. Every write transaction
/// therefore takes one advisory lock (<see cref="WriteOrderLock"/>) before it writes and keeps it to its commit:
/// across all instances on the database, write transactions commit one after another, in the order of their ids.
/// With a transaction per write that lock would make every turn wait for every other turn's WAL flush; with a
/// transaction per batch it is taken once per batch, and the batches grow while others commit.
/// </para>
/// <para>
/// A transaction's round trips are few: writes made of one statement (<see cref="WriteStatementAsync{T}"/>: a turn)
/// go to the server together in one batch, the write-order lock ahead of them, so a batch of turns costs two round
/// trips (the batch, the commit) however many turns it holds. On a busy machine each round trip waits for PostgreSQL's
/// backend to be scheduled, which one write after another would pay per turn.
/// </para>
/// <para>
/// A write that fails (a conflict) is rolled back alone and the rest of its batch still commits: a batch first runs
/// without savepoints (PostgreSQL aborts the whole transaction at a failed statement), and only when one of its
/// writes fails is it rolled back and run again with a savepoint per write. Writes run in the order they were
/// queued, except background writes (<see cref="WriteInBackgroundAsync{T}"/>), which wait for a moment when no
/// other write is queued.
/// </para>
/// </remarks>
internal sealed class PostgresWriter : IAsyncDisposable
{
    /// <summary>The advisory lock every write transaction holds to its commit ("WriteOrd" in ASCII).</summary>
    public const long WriteOrderLock = 0x57726974654f7264;

    private readonly WriteQueue<WriteOperation> _queue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Action<int>? _committed;
    private readonly Task _loop;

    /// <param name="committed">Told the number of writes of each committed transaction (the group commit's size).</param>
    public PostgresWriter(NpgsqlDataSource dataSource, int maxBatch, ILogger logger, Action<int>? committed = null)
    {
        _dataSource = dataSource;
        _maxBatch = maxBatch;
        _queue = new WriteQueue<WriteOperation>(maxBatch, nameof(PostgresWriter));
        _logger = logger;
        _committed = committed;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="work"/>; the task completes once its transaction has committed.</summary>
    /// <param name="work">The write, run by the writer inside the next transaction.</param>
    /// <param name="cancellationToken">
    /// The caller's: a write whose token is cancelled by the time the writer takes it is dropped unrun (its task is
    /// cancelled), so a request abandoned while its write queued leaves nothing stored.
    /// </param>
    public Task<T> WriteAsync<T>(Func<PostgresWriteContext, Task<T>> work, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation<T>(work, background: false, cancellationToken));

    /// <summary>
    /// Queues a write that is one statement, sent in one batch with the other such writes queued with it. The
    /// statement's first row's first column (a count; 0 without rows) is given to <paramref name="outcome"/>, which
    /// returns the write's result or throws to refuse it: a statement must write nothing when its outcome refuses it,
    /// since it is not rolled back alone (a turn's conditional update that matched no row).
    /// </summary>
    /// <param name="statement">Builds the statement when the writer takes it (a latency record is sealed then).</param>
    public Task<T> WriteStatementAsync<T>(Func<PostgresStatement> statement, Func<long, T> outcome, CancellationToken cancellationToken = default) =>
        Enqueue(new StatementOperation<T>(statement, outcome, cancellationToken));

    /// <summary>
    /// Queues housekeeping (the rollup, retention, request metrics) behind the requests' writes: it runs in a
    /// transaction of its own, only when no request's write is waiting, or once it has waited
    /// <see cref="QueuedWrite.BackgroundMaxWait"/> under unbroken load.
    /// </summary>
    public Task<T> WriteInBackgroundAsync<T>(Func<PostgresWriteContext, Task<T>> work) =>
        Enqueue(new WriteOperation<T>(work, background: true, CancellationToken.None));

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
            if (_queue.Take(batch) is { } due)
            {
                single.Clear();
                single.Add(due);
                await CommitAsync(single).ConfigureAwait(false);
            }

            if (batch.Count > 0) await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<WriteOperation> batch)
    {
        var committed = false;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            var context = new PostgresWriteContext(connection);
            committed = await TryWithoutSavepointsAsync(context, batch).ConfigureAwait(false) || await WithSavepointsAsync(context, batch).ConfigureAwait(false);
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

        if (committed) _committed?.Invoke(batch.Count);
        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    private static readonly string LockSql = $"SELECT pg_advisory_xact_lock({WriteOrderLock})";

    private static async Task BeginAsync(PostgresWriteContext context)
    {
        context.Transaction = await context.Connection.BeginTransactionAsync().ConfigureAwait(false);
        await context.ExecuteAsync(LockSql).ConfigureAwait(false);
    }

    /// <summary>
    /// The usual case, every write succeeding, without a savepoint per write (two round trips less each), and each run
    /// of one-statement writes in one batch. When a write fails, the whole transaction is rolled back and nothing is
    /// reported yet: the batch runs again with savepoints. Writes are functions of the database (a sealed latency
    /// record is built once and kept), so running one again does the same. A one-statement write its outcome refuses
    /// wrote nothing: it is told so once the others have committed.
    /// </summary>
    private static async Task<bool> TryWithoutSavepointsAsync(PostgresWriteContext context, List<WriteOperation> batch)
    {
        context.Transaction = await context.Connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var transaction = context.Transaction;
        var locked = false;
        var refused = new List<(WriteOperation Operation, Exception Refusal)>();
        for (var i = 0; i < batch.Count;)
        {
            var end = i;
            while (end < batch.Count && batch[end] is IStatementWrite) end++;
            try
            {
                if (end > i)
                {
                    await RunStatementsAsync(context, batch, i, end, lockFirst: !locked, refused).ConfigureAwait(false);
                }
                else
                {
                    if (!locked) await context.ExecuteAsync(LockSql).ConfigureAwait(false);
                    await batch[i].RunAsync(context).ConfigureAwait(false);
                    end = i + 1;
                }
            }
            catch (Exception e) when (!IsFatal(e))
            {
                await transaction.RollbackAsync().ConfigureAwait(false);
                return false;
            }

            locked = true;
            i = end;
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        foreach (var (operation, refusal) in refused) operation.Fail(Reported(refusal));
        return true;
    }

    /// <summary>The one-statement writes <paramref name="from"/> to <paramref name="to"/> (exclusive) as one batch: one round trip.</summary>
    private static async Task RunStatementsAsync(
        PostgresWriteContext context, List<WriteOperation> batch, int from, int to, bool lockFirst, List<(WriteOperation, Exception)> refused)
    {
        await using var statements = new NpgsqlBatch(context.Connection, context.Transaction);
        if (lockFirst) statements.BatchCommands.Add(new NpgsqlBatchCommand(LockSql));
        for (var k = from; k < to; k++)
        {
            var statement = ((IStatementWrite)batch[k]).Statement;
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var arg in statement.Args) command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
            statements.BatchCommands.Add(command);
        }

        await using var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false);
        if (lockFirst) await reader.NextResultAsync().ConfigureAwait(false);
        for (var k = from; k < to; k++)
        {
            var value = await reader.ReadAsync().ConfigureAwait(false) ? Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (((IStatementWrite)batch[k]).Answer(value) is { } refusal) refused.Add((batch[k], refusal));
            await reader.NextResultAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Each write in a savepoint of its own: a failing one is rolled back and reported alone.</summary>
    private static async Task<bool> WithSavepointsAsync(PostgresWriteContext context, List<WriteOperation> batch)
    {
        await BeginAsync(context).ConfigureAwait(false);
        await using var transaction = context.Transaction!;
        foreach (var operation in batch)
        {
            await transaction.SaveAsync("w").ConfigureAwait(false);
            try
            {
                await operation.RunAsync(context).ConfigureAwait(false);
                await transaction.ReleaseAsync("w").ConfigureAwait(false);
            }
            catch (Exception e) when (!IsFatal(e))
            {
                await transaction.RollbackAsync("w").ConfigureAwait(false);
                await transaction.ReleaseAsync("w").ConfigureAwait(false);
                operation.Fail(Reported(e));
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A lost connection or a server in trouble fails the whole transaction, not one write: connection exceptions,
    /// and SQLSTATE classes 08 (connection), 53 (resources: disk full), 57 (operator intervention: shutdown), 58
    /// (system: I/O) and XX (internal).
    /// </summary>
    private static bool IsFatal(Exception e) => e switch
    {
        PostgresException p => p.SqlState.Length >= 2 && p.SqlState[..2] is "08" or "53" or "57" or "58" or "XX",
        NpgsqlException => true,
        _ => false,
    };

    /// <summary>
    /// What a write's caller is told of its failure: the store's own exceptions as they are; a unique key taken meanwhile
    /// as a conflict; anything else the database refused as the database being unusable, never as a bare database error.
    /// </summary>
    private static Exception Reported(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } p => new StorageConflictException(p.MessageText),
        PostgresException p => new StorageUnavailableException($"The database refused a write: {p.MessageText}", p),
        _ => e,
    };

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _loop.ConfigureAwait(false);
    }

    private abstract class WriteOperation(bool background) : QueuedWrite(background)
    {
        public abstract Task RunAsync(PostgresWriteContext context);
    }

    /// <summary>A write that is one statement, which the writer may send in a batch with others.</summary>
    private interface IStatementWrite
    {
        PostgresStatement Statement { get; }

        /// <summary>Takes the statement's count as the write's result; the refusal when its outcome refuses it.</summary>
        Exception? Answer(long value);
    }

    private sealed class StatementOperation<T> : WriteOperation<T>, IStatementWrite
    {
        private readonly Lazy<PostgresStatement> _statement;
        private readonly Func<long, T> _outcome;

        public StatementOperation(Func<PostgresStatement> statement, Func<long, T> outcome, CancellationToken cancellationToken)
            : this(new Lazy<PostgresStatement>(statement, LazyThreadSafetyMode.None), outcome, cancellationToken)
        {
        }

        private StatementOperation(Lazy<PostgresStatement> statement, Func<long, T> outcome, CancellationToken cancellationToken)
            : base(async context => outcome(Convert.ToInt64(await context.ScalarAsync(statement.Value.Sql, statement.Value.Args).ConfigureAwait(false) ?? 0L,
                System.Globalization.CultureInfo.InvariantCulture)), background: false, cancellationToken)
        {
            _statement = statement;
            _outcome = outcome;
        }

        public PostgresStatement Statement => _statement.Value;

        public Exception? Answer(long value)
        {
            try
            {
                SetResult(_outcome(value));
                return null;
            }
            catch (Exception e) when (!IsFatal(e))
            {
                return e;
            }
        }
    }

    private class WriteOperation<T>(Func<PostgresWriteContext, Task<T>> work, bool background, CancellationToken cancellationToken) : WriteOperation(background)
    {
        // Not readonly: a mutable struct, changed in place.
        private WriteResult<T> _result = new(cancellationToken);

        public Task<T> Task => _result.Task;

        public override bool DropIfCancelled() => _result.DropIfCancelled();

        public override async Task RunAsync(PostgresWriteContext context) => _result.Set(await work(context).ConfigureAwait(false));

        protected void SetResult(T result) => _result.Set(result);

        public override void Fail(Exception e) => _result.Fail(e);

        public override void Complete() => _result.Complete();
    }
}

/// <summary>One statement with its arguments, <c>$1</c>, <c>$2</c>, … in order; null is SQL NULL.</summary>
internal sealed record PostgresStatement(string Sql, object?[] Args);

/// <summary>What a queued write sees: the writer's connection inside the open transaction; parameters are <c>$1</c>, <c>$2</c>, … in argument order.</summary>
/// <remarks>Used by the writer only, one write at a time.</remarks>
internal sealed class PostgresWriteContext(NpgsqlConnection connection)
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction? Transaction { get; set; }

    public async Task<int> ExecuteAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a query; the caller disposes the reader before the next statement.</summary>
    public async Task<NpgsqlDataReader> QueryAsync(string sql, params object?[] args) =>
        await Command(sql, args).ExecuteReaderAsync().ConfigureAwait(false);

    private NpgsqlCommand Command(string sql, object?[] args) => PostgresCommands.Create(Connection, Transaction, sql, args);
}

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Promptly.Storage;
using Promptly.Storage.Postgres;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage.Postgres;

/// <summary>
/// The PostgreSQL writer's group commit: writes queued while a transaction commits share the next one, each in its own
/// savepoint when one fails; and write transactions of several writers (instances) commit one after another.
/// </summary>
public sealed class PostgresWriterTests : IAsyncLifetime
{
    // A hang guard only.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgresWriter _writer = null!;

    public async Task InitializeAsync()
    {
        if (Needs.PostgresConnectionString() is null) return;
        _database = await TestDatabase.CreateAsync();
        _dataSource = PostgresDataSource.Create(_database.ConnectionString);
        await using (var create = _dataSource.CreateCommand("CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, text text NOT NULL UNIQUE)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        _writer = new PostgresWriter(_dataSource, maxBatch: 64, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        if (_database is null) return;
        await _writer.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Batch_OneWriteHitsAUniqueKey_RolledBackAloneAsAConflictAndTheRestCommits()
    {
        var (a, failing, c) = await InOneBatchAsync(
            context => InsertAsync(context, "a"),
            async context =>
            {
                // Its first row is written before the conflict, and must go with it.
                await InsertAsync(context, "b");
                return await InsertAsync(context, "a");
            },
            context => InsertAsync(context, "c"));

        Assert.Equal(1, await a.WaitAsync(Settle));
        Assert.Equal(1, await c.WaitAsync(Settle));
        await Assert.ThrowsAsync<StorageConflictException>(() => failing.WaitAsync(Settle));
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Batch_WriteThrowsItsOwnError_OthersCommitAndTheErrorReachesItsCaller()
    {
        var (a, failing, c) = await InOneBatchAsync(
            context => InsertAsync(context, "a"),
            async context =>
            {
                await InsertAsync(context, "b");
                throw new StorageConflictException("the session moved on");
            },
            context => InsertAsync(context, "c"));

        await a.WaitAsync(Settle);
        await c.WaitAsync(Settle);
        Assert.Equal("the session moved on", (await Assert.ThrowsAsync<StorageConflictException>(() => failing.WaitAsync(Settle))).Message);
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Statements_InOneBatch_OneRefusedByItsOutcome_TheOthersCommitAndTheRefusalReachesItsCaller()
    {
        Task<bool>[] writes = null!;
        await WhileWriterHeldAsync(_writer, () =>
        {
            // The refused one is a conditional insert that matches nothing, as a turn whose session moved on.
            writes =
            [
                InsertStatement("a"),
                _writer.WriteStatementAsync(
                    () => new PostgresStatement("WITH written AS (INSERT INTO notes (text) SELECT $1 WHERE false RETURNING 1) SELECT count(*) FROM written", ["never"]),
                    written => written == 1 ? true : throw new StorageConflictException("moved on")),
                InsertStatement("c"),
            ];
            return Task.CompletedTask;
        });

        Assert.True(await writes[0].WaitAsync(Settle));
        Assert.True(await writes[2].WaitAsync(Settle));
        Assert.Equal("moved on", (await Assert.ThrowsAsync<StorageConflictException>(() => writes[1].WaitAsync(Settle))).Message);
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Statements_InOneBatchWithOtherWrites_OneHitsAUniqueKey_RolledBackAloneAndTheRestCommitInOrder()
    {
        Task<bool> a = null!, duplicate = null!, d = null!;
        Task<int> b = null!;
        await WhileWriterHeldAsync(_writer, () =>
        {
            a = InsertStatement("a");
            b = _writer.WriteAsync(context => InsertAsync(context, "b"));
            duplicate = InsertStatement("a");
            d = InsertStatement("d");
            return Task.CompletedTask;
        });

        Assert.True(await a.WaitAsync(Settle));
        Assert.Equal(1, await b.WaitAsync(Settle));
        Assert.True(await d.WaitAsync(Settle));
        await Assert.ThrowsAsync<StorageConflictException>(() => duplicate.WaitAsync(Settle));
        Assert.Equal(["a", "b", "d"], await StoredAsync("id"));
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Write_CallerCancelsWhileItQueues_DroppedUnrunAndNothingStored()
    {
        using var abandoned = new CancellationTokenSource();
        var ran = false;
        Task<int> write = null!, kept = null!;
        await WhileWriterHeldAsync(_writer, async () =>
        {
            write = _writer.WriteAsync(context =>
            {
                ran = true;
                return InsertAsync(context, "abandoned");
            }, abandoned.Token);
            kept = _writer.WriteAsync(context => InsertAsync(context, "kept"));
            await abandoned.CancelAsync();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Settle));
        Assert.Equal(1, await kept.WaitAsync(Settle));
        Assert.False(ran);
        Assert.Equal(["kept"], await StoredAsync());
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Write_DatabaseSaysSynchronousCommitOff_TheWriterCommitsSynchronouslyAnyway()
    {
        await using (var off = _dataSource.CreateCommand($"ALTER DATABASE {new NpgsqlConnectionStringBuilder(_database.ConnectionString).Database} SET synchronous_commit = off"))
        {
            await off.ExecuteNonQueryAsync();
        }

        // A new pool, so its connections start after the change.
        await using var dataSource = PostgresDataSource.Create(_database.ConnectionString);
        await using var writer = new PostgresWriter(dataSource, maxBatch: 64, NullLogger.Instance);
        var setting = await writer.WriteAsync(async context => (string?)await context.ScalarAsync("SELECT current_setting('synchronous_commit')")).WaitAsync(Settle);

        Assert.Equal("on", setting);
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Write_TwoWritersOnOneDatabase_TheSecondWaitsForTheFirstsCommitSoIdsCommitInOrder()
    {
        await using var other = new PostgresWriter(_dataSource, maxBatch: 64, NullLogger.Instance);
        Task<int> second = null!;
        await WhileWriterHeldAsync(_writer, async () =>
        {
            second = other.WriteAsync(context => InsertAsync(context, "second"));
            // The second instance's transaction waits on the write-order lock that the first one's holds.
            await WaitUntilAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'");
            Assert.False(second.IsCompleted);
        }, holder: context => InsertAsync(context, "first"));

        await second.WaitAsync(Settle);
        Assert.Equal(["first", "second"], await StoredAsync("id"));
    }

    /// <summary>Queues three writes behind one that holds the writer, so that the three are taken as one batch when it lets go.</summary>
    private async Task<(Task<int>, Task<int>, Task<int>)> InOneBatchAsync(
        Func<PostgresWriteContext, Task<int>> first, Func<PostgresWriteContext, Task<int>> second, Func<PostgresWriteContext, Task<int>> third)
    {
        (Task<int>, Task<int>, Task<int>) writes = default;
        await WhileWriterHeldAsync(_writer, () =>
        {
            writes = (_writer.WriteAsync(first), _writer.WriteAsync(second), _writer.WriteAsync(third));
            return Task.CompletedTask;
        });
        return writes;
    }

    /// <summary>
    /// Runs <paramref name="queue"/> while a write (doing <paramref name="holder"/> first, inside its transaction) holds
    /// <paramref name="writer"/>, then lets it go: what was queued is taken together.
    /// </summary>
    private static async Task WhileWriterHeldAsync(PostgresWriter writer, Func<Task> queue, Func<PostgresWriteContext, Task<int>>? holder = null)
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = writer.WriteAsync(async context =>
        {
            var written = holder is null ? 0 : await holder(context);
            holding.TrySetResult();
            await release.Task;
            return written;
        });
        await holding.Task.WaitAsync(Settle);

        try
        {
            await queue();
        }
        finally
        {
            // Let go even when the test failed meanwhile, or the writer would never finish its batch and disposing it would hang.
            release.SetResult();
        }

        await blocker.WaitAsync(Settle);
    }

    private async Task WaitUntilAsync(string countQuery)
    {
        using var guard = new CancellationTokenSource(Settle);
        while (true)
        {
            await using var command = _dataSource.CreateCommand(countQuery);
            if ((long)(await command.ExecuteScalarAsync(guard.Token))! > 0) return;
            await Task.Delay(10, guard.Token);
        }
    }

    private Task<bool> InsertStatement(string text) => _writer.WriteStatementAsync(
        () => new PostgresStatement("WITH written AS (INSERT INTO notes (text) VALUES ($1) RETURNING 1) SELECT count(*) FROM written", [text]),
        written => written == 1);

    private static Task<int> InsertAsync(PostgresWriteContext context, string text) => context.ExecuteAsync("INSERT INTO notes (text) VALUES ($1)", text);

    private async Task<List<string>> StoredAsync(string order = "text")
    {
        await using var query = _dataSource.CreateCommand($"SELECT text FROM notes ORDER BY {order}");
        var texts = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) texts.Add(reader.GetString(0));
        return texts;
    }
}

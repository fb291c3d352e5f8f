using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Promptly.Storage;
using Promptly.Storage.Sqlite;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>
/// The single writer's group commit: writes queued while a transaction commits share the next one, each in its own
/// savepoint, so one failing write is rolled back alone.
/// </summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    // A hang guard only.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private readonly string _folder = PromptlyFactory.NewDataFolder();
    private string _connectionString = "";
    private SqliteWriter _writer = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "writer.db"), Pooling = false }.ToString();
        using (var setup = new SqliteConnection(_connectionString))
        {
            setup.Open();
            using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);";
            create.ExecuteNonQuery();
        }

        _writer = new SqliteWriter(_connectionString, "normal", maxBatch: 64, NullLogger.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Batch_OneWriteFails_RolledBackAloneAndTheRestCommits()
    {
        var (a, failing, c) = await InOneBatchAsync(
            context => Insert(context, "a"),
            context =>
            {
                // Its first row is written before the conflict, and must go with it.
                Insert(context, "b");
                return Insert(context, "a");
            },
            context => Insert(context, "c"));

        Assert.Equal(1, await a.WaitAsync(Settle));
        Assert.Equal(1, await c.WaitAsync(Settle));
        var conflict = await Assert.ThrowsAsync<SqliteException>(() => failing.WaitAsync(Settle));
        Assert.Equal(SQLitePCL.raw.SQLITE_CONSTRAINT, conflict.SqliteErrorCode);
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [Fact]
    public async Task Batch_WriteThrowsItsOwnError_OthersCommitAndTheErrorReachesItsCaller()
    {
        var (a, failing, c) = await InOneBatchAsync(
            context => Insert(context, "a"),
            context =>
            {
                Insert(context, "b");
                throw new StorageConflictException("the session moved on");
            },
            context => Insert(context, "c"));

        await a.WaitAsync(Settle);
        await c.WaitAsync(Settle);
        Assert.Equal("the session moved on", (await Assert.ThrowsAsync<StorageConflictException>(() => failing.WaitAsync(Settle))).Message);
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [Fact]
    public async Task Batch_DiskFailsDuringAWrite_WholeBatchUnavailableAndNothingStored()
    {
        var (a, failing, c) = await InOneBatchAsync(
            context => Insert(context, "a"),
            _ => throw new SqliteException("disk I/O error", SQLitePCL.raw.SQLITE_IOERR),
            context => Insert(context, "c"));

        // The database itself failed: no write of the batch is durable, and each caller hears so.
        foreach (var write in new[] { a, failing, c })
        {
            var unavailable = await Assert.ThrowsAsync<StorageUnavailableException>(() => write.WaitAsync(Settle));
            Assert.Contains("disk I/O error", unavailable.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await StoredAsync());

        // The writer goes on with the next batch.
        Assert.Equal(1, await _writer.WriteAsync(context => Insert(context, "d")).WaitAsync(Settle));
        Assert.Equal(["d"], await StoredAsync());
    }

    [Fact]
    public async Task Write_Completed_DurableAndVisibleToOtherConnections()
    {
        var written = await _writer.WriteAsync(context => Insert(context, "x")).WaitAsync(Settle);

        Assert.Equal(1, written);
        Assert.Equal(["x"], await StoredAsync());
    }

    [Fact]
    public async Task WriteInBackgroundAsync_QueuedWithRequestWrites_AllCommit()
    {
        var background = _writer.WriteInBackgroundAsync(context => Insert(context, "background"));
        var requests = Enumerable.Range(1, 10).Select(i => _writer.WriteAsync(context => Insert(context, $"request {i:00}"))).ToList();

        await Task.WhenAll([background, .. requests]).WaitAsync(Settle);

        Assert.Equal(11, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task Batch_SynchronousFull_OneWriteFailsAloneAndTheRestIsDurable()
    {
        // FULL takes the other path: commit, then the WAL is fsynced on its own thread before the writes complete.
        await _writer.DisposeAsync();
        _writer = new SqliteWriter(_connectionString, "FULL", maxBatch: 64, NullLogger.Instance);

        var (a, failing, c) = await InOneBatchAsync(context => Insert(context, "a"), context => Insert(context, "a"), context => Insert(context, "c"));

        Assert.Equal(1, await a.WaitAsync(Settle));
        Assert.Equal(1, await c.WaitAsync(Settle));
        await Assert.ThrowsAsync<SqliteException>(() => failing.WaitAsync(Settle));
        Assert.Equal(["a", "c"], await StoredAsync());
    }

    [Fact]
    public async Task Write_CallerCancelsWhileItQueues_DroppedUnrunAndNothingStored()
    {
        using var abandoned = new CancellationTokenSource();
        var ran = false;
        Task<int> write = null!, kept = null!;
        await WhileWriterHeldAsync(async () =>
        {
            write = _writer.WriteAsync(context => { ran = true; return Insert(context, "abandoned"); }, abandoned.Token);
            kept = _writer.WriteAsync(context => Insert(context, "kept"));
            await abandoned.CancelAsync();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Settle));
        Assert.Equal(1, await kept.WaitAsync(Settle));
        Assert.False(ran);
        Assert.Equal(["kept"], await StoredAsync());
    }

    /// <summary>
    /// Queues three writes behind one that holds the writer, so that the three are taken as one batch when it lets go.
    /// </summary>
    private async Task<(Task<int>, Task<int>, Task<int>)> InOneBatchAsync(Func<WriteContext, int> first, Func<WriteContext, int> second, Func<WriteContext, int> third)
    {
        (Task<int>, Task<int>, Task<int>) writes = default;
        await WhileWriterHeldAsync(() =>
        {
            writes = (_writer.WriteAsync(first), _writer.WriteAsync(second), _writer.WriteAsync(third));
            return Task.CompletedTask;
        });
        return writes;
    }

    /// <summary>Runs <paramref name="queue"/> while a write holds the writer, then lets it go: what was queued is taken together.</summary>
    private async Task WhileWriterHeldAsync(Func<Task> queue)
    {
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var blocker = _writer.WriteAsync(_ =>
        {
            holding.Release();
            release.Wait();
            return 0;
        });
        Assert.True(await holding.WaitAsync(Settle));

        await queue();
        release.Release();
        await blocker.WaitAsync(Settle);
    }

    private static int Insert(WriteContext context, string text) => context.Execute("INSERT INTO notes (text) VALUES (@p0)", text);

    private async Task<List<string>> StoredAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT text FROM notes ORDER BY text";
        var texts = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) texts.Add(reader.GetString(0));
        return texts;
    }
}

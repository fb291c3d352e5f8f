using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Promptly.Storage.Sqlite;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>
/// The WAL is copied back into the database by the checkpointer, and by the writer only when the checkpointer asks:
/// the writer's commits leave the WAL growing, a pass copies it all, and the next write starts it over. The writer's
/// checkpointer here runs no passes of its own; each test asks for them.
/// </summary>
public sealed class WalCheckpointerTests : IAsyncLifetime
{
    // Hang guards only.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    // A page and a bit: every row takes at least two WAL frames of 4 KB.
    private const int RowBytes = 5_000;

    // Past SQLite's automatic checkpoint (1,000 frames), which the writer would otherwise have run.
    private const int RowsPastAutomaticCheckpoint = 600;

    private readonly string _folder = PromptlyFactory.NewDataFolder();
    private string _connectionString = "";
    private SqliteWriter _writer = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "wal.db"), Pooling = false }.ToString();
        using (var setup = new SqliteConnection(_connectionString))
        {
            setup.Open();
            using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";
            create.ExecuteNonQuery();
        }

        _writer = new SqliteWriter(_connectionString, "full", maxBatch: 1, NullLogger.Instance, checkpointInterval: Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Writer_PastAThousandFrames_LeavesTheWalToTheCheckpointer()
    {
        var checkpointer = _writer.Checkpointer;

        await WriteRowsAsync(RowsPastAutomaticCheckpoint);
        var (frames, copied) = checkpointer.Pass();

        Assert.True(frames > RowsPastAutomaticCheckpoint * 2, $"The WAL held {frames} frames: the writer checkpointed it.");
        Assert.Equal(frames, copied);
    }

    [Fact]
    public async Task Pass_WalWhollyCopied_TheNextWriteStartsItOver()
    {
        var checkpointer = _writer.Checkpointer;
        await WriteRowsAsync(RowsPastAutomaticCheckpoint);
        checkpointer.Pass();

        await WriteRowsAsync(1);

        var (frames, copied) = checkpointer.Pass();
        Assert.InRange(frames, 1, 10);
        Assert.Equal(frames, copied);
        Assert.Equal(RowsPastAutomaticCheckpoint + 1, await CountAsync());
    }

    [Fact]
    public async Task Pass_UnderTheBound_NeverWaitsForAReader()
    {
        var checkpointer = _writer.Checkpointer;
        await WriteRowsAsync(10);
        await using var reader = await OpenReadTransactionAsync();

        var (frames, copied) = await Task.Run(checkpointer.Pass).WaitAsync(Settle);

        Assert.True(frames > 0);
        Assert.Equal(frames, copied);
    }

    [Fact]
    public async Task Pass_PastTheBound_AsksTheWriterForACheckpoint()
    {
        var asked = 0;
        using var bounded = new WalCheckpointer(_connectionString, () => asked++, NullLogger.Instance, Timeout.InfiniteTimeSpan, restartFrames: 10);
        await WriteRowsAsync(2);
        bounded.Pass();
        Assert.Equal(0, asked);

        await WriteRowsAsync(10);
        bounded.Pass();

        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task Writer_AskedForACheckpoint_CopiesTheWalAndStartsItOverAtItsNextWrite()
    {
        var checkpointer = _writer.Checkpointer;
        await WriteRowsAsync(RowsPastAutomaticCheckpoint);

        _writer.CheckpointBeforeNextTransaction();
        await WriteRowsAsync(1);

        var (frames, copied) = checkpointer.Pass();
        Assert.InRange(frames, 1, 10);
        Assert.Equal(frames, copied);
        Assert.Equal(RowsPastAutomaticCheckpoint + 1, await CountAsync());
    }

    private async Task WriteRowsAsync(int count)
    {
        var data = new byte[RowBytes];
        for (var i = 0; i < count; i++)
        {
            await _writer.WriteAsync(context => context.Execute("INSERT INTO blobs (data) VALUES (@p0)", data)).WaitAsync(Settle);
        }
    }

    /// <summary>A connection inside a read transaction that has read, so it holds its snapshot of the WAL until disposed.</summary>
    private async Task<ReadingConnection> OpenReadTransactionAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: true);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT count(*) FROM blobs";
        await read.ExecuteScalarAsync();
        return new ReadingConnection(connection, transaction);
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM blobs";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private sealed class ReadingConnection(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}

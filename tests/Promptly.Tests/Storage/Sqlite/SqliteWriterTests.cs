using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Storage.Sqlite;

public sealed class SqliteWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
    private readonly string _connectionString;

    public SqliteWriterTests()
    {
        Directory.CreateDirectory(_folder);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "w.db"), Pooling = false }.ToString();
        using var setup = new SqliteConnection(_connectionString);
        setup.Open();
        using var command = setup.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);";
        command.ExecuteNonQuery();
    }

    [Theory]
    [InlineData("FULL")]
    [InlineData("NORMAL")]
    public async Task WriteAsync_OneWriteOfABatchFails_OthersCommitAndOnlyItFails(string synchronous)
    {
        var writer = new SqliteWriter(_connectionString, synchronous, maxBatch: 512, NullLogger.Instance);
        const string insert = "INSERT INTO t (id, v) VALUES (?1, ?2)";
        var writes = new List<Task<int>>();
        for (var i = 1; i <= 20; i++)
        {
            var id = i;
            // The 7th inserts a NULL into a NOT NULL column after inserting a row of its own, which must go too.
            writes.Add(writer.WriteAsync(context => id == 7
                ? context.Statement(insert).Bind(1, 1000L).Bind(2, "mine").Run() + context.Statement(insert).Bind(1, 7L).Bind(2, (string?)null).Run()
                : context.Statement(insert).Bind(1, (long)id).Bind(2, $"row {id}").Run()));
        }

        var outcomes = await Task.WhenAll(writes.Select(async w => { try { return await w; } catch (SqliteException) { return -1; } }));
        await writer.DisposeAsync();

        Assert.Equal(-1, outcomes[6]);
        Assert.All(outcomes.Where((_, i) => i != 6), n => Assert.Equal(1, n));
        Assert.Equal(19L, Count("SELECT count(*) FROM t"));
        Assert.Equal(0L, Count("SELECT count(*) FROM t WHERE id IN (7, 1000)"));
    }

    [Fact]
    public async Task WriteInBackgroundAsync_QueuedWithRequestWrites_AllCommit()
    {
        var writer = new SqliteWriter(_connectionString, "FULL", maxBatch: 512, NullLogger.Instance);
        var background = writer.WriteInBackgroundAsync(context => context.Execute("INSERT INTO t (id, v) VALUES (@p0, @p1)", 500L, "background"));
        var foreground = Enumerable.Range(1, 10)
            .Select(i => writer.WriteAsync(context => context.Execute("INSERT INTO t (id, v) VALUES (@p0, @p1)", (long)i, "request")))
            .ToList();

        await Task.WhenAll([background, .. foreground]);
        await writer.DisposeAsync();

        Assert.Equal(11L, Count("SELECT count(*) FROM t"));
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

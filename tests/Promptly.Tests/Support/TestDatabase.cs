using Npgsql;

namespace Promptly.Tests.Support;

/// <summary>
/// A fresh PostgreSQL database of its own for one test, on the server of <c>PROMPTLY_TEST_POSTGRES</c>, dropped when
/// disposed (with any connection still open to it), so tests never see each other's rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private TestDatabase(string server, string name, string connectionString)
    {
        _server = server;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string of the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>The settings of a server on this database (<c>Storage:Provider=postgres</c>).</summary>
    public Dictionary<string, string?> ServerSettings() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = ConnectionString,
    };

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Needs.PostgresConnectionString()
            ?? throw new InvalidOperationException($"{Needs.PostgresVariable} is not set: the test should have been skipped.");
        var name = $"promptly_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase(server, name, connectionString);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        // Unpooled: a pooled connection to the server's own database would outlive the test run in the pool.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
}

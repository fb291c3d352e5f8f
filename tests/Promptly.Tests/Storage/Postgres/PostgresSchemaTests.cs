using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Promptly.Storage.Postgres;
using Promptly.Tests.Support;

namespace Promptly.Tests.Storage.Postgres;

/// <summary>The schema is created and migrated at start, once, however many instances start together.</summary>
public sealed class PostgresSchemaTests
{
    [FactWhenInstalled(Needs.Postgres)]
    public async Task Open_FourInstancesStartTogetherOnAnEmptyDatabase_MigratedExactlyOnce()
    {
        await using var database = await TestDatabase.CreateAsync();
        var options = Options.Create(new PostgresOptions { ConnectionString = database.ConnectionString });

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new PostgresStore(options, NullLogger<PostgresStore>.Instance))));
        foreach (var store in stores) await store.DisposeAsync();

        Assert.Equal([PostgresSchema.LatestVersion], await VersionsAsync(database));
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task Open_SchemaNewerThanThisServer_RefusesSayingToUpgrade()
    {
        await using var database = await TestDatabase.CreateAsync();
        var options = Options.Create(new PostgresOptions { ConnectionString = database.ConnectionString });
        await new PostgresStore(options, NullLogger<PostgresStore>.Instance).DisposeAsync();
        await ExecuteAsync(database, $"UPDATE schema_version SET version = {PostgresSchema.LatestVersion + 1}");

        var refused = Assert.Throws<InvalidOperationException>(() => new PostgresStore(options, NullLogger<PostgresStore>.Instance));

        Assert.Contains("upgrade the server", refused.Message);
    }

    private static async Task<List<int>> VersionsAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT version FROM schema_version", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt32(0));
        return versions;
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

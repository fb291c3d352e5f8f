using Microsoft.Data.Sqlite;

namespace Promptly.Tests.Crash;

/// <summary>
/// A stopped (or killed) server's SQLite file, opened read-only: looking writes nothing into the database or its WAL
/// (SQLite may only rebuild the WAL's index in the <c>-shm</c> file).
/// </summary>
internal static class DatabaseFile
{
    /// <summary>What <c>PRAGMA integrity_check</c> says: <c>ok</c>, or each problem on a line.</summary>
    public static string IntegrityCheck(string path) => string.Join('\n', Query(path, "PRAGMA integrity_check"));

    /// <summary>The run id of every stored ingested event of <paramref name="source"/>, duplicates included.</summary>
    public static List<string> RunIds(string path, string source) =>
        Query(path, "SELECT run_id FROM latency_events WHERE source = $source", ("$source", source));

    private static List<string> Query(string path, string sql, params (string Name, object Value)[] parameters)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }
}

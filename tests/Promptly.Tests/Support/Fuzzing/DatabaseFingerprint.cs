using Microsoft.Data.Sqlite;

namespace Promptly.Tests.Support.Fuzzing;

/// <summary>
/// A cheap fingerprint of what requests store, read from the server's SQLite file beside it: each table's row count,
/// and the columns that requests update in place (a session's question number and end, an invitation's use, the
/// budget's overrides). Housekeeping tables (request metrics, digests and their watermarks, the rollup's lease, the
/// alerts' states, the transcript index and its queue, indexed every second and merged every 30 s) are left out: the server writes
/// them on its own clock, whatever the requests were.
/// </summary>
public sealed class DatabaseFingerprint : IDisposable
{
    private static readonly string[] Housekeeping = ["request_metrics", "latency_digests", "analytics_watermarks", "leases", "alert_states", "transcript_queue"];

    private static readonly string[] InPlace =
    [
        "SELECT 'sessions: question numbers ' || total(question_number) || ', ended ' || count(ended_at) || ', completed ' || total(status = 'completed') FROM sessions",
        "SELECT 'invitations: used ' || count(session_id) FROM invitations",
        "SELECT 'budget_overrides: ' || ifnull(group_concat(interview_type || '=' || ifnull(threshold_ms, '-') || '/' || ifnull(severe_ms, '-')), '') FROM budget_overrides",
    ];

    private readonly SqliteConnection _connection;
    private readonly string _query;

    private DatabaseFingerprint(SqliteConnection connection, string query)
    {
        _connection = connection;
        _query = query;
    }

    /// <summary>Opens the database of the server whose data folder is <paramref name="dataFolder"/> (it must have started), read-only.</summary>
    public static DatabaseFingerprint Open(string dataFolder)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataFolder, "promptly.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }

        var counts = tables.Except(Housekeeping).Select(t => $"SELECT '{t}: ' || count(*) FROM \"{t}\"");
        return new DatabaseFingerprint(connection, string.Join(" UNION ALL ", counts.Concat(InPlace)));
    }

    /// <summary>One line per table, in a fixed order.</summary>
    public IReadOnlyList<string> Read()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = _query;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return lines;
    }

    public void Dispose() => _connection.Dispose();
}

using Npgsql;

namespace Promptly.Tests.Deployment;

/// <summary>
/// Every session as the PostgreSQL database holds it, read directly (not through a server, whose cache could hide a
/// broken row): its messages in <c>seq</c> order and its latency records, to check that turns are whole, stored once
/// and in order.
/// </summary>
internal sealed class StoredTurns
{
    private readonly Dictionary<string, int> _questionNumbers = [];
    private readonly Dictionary<string, List<(int Seq, string Role, int Question)>> _messages = [];
    private readonly Dictionary<(string Session, int Question), long> _records = [];

    public int Sessions => _questionNumbers.Count;

    /// <summary>Candidate turns stored, in all sessions.</summary>
    public long Turns => _questionNumbers.Values.Sum(q => (long)q);

    /// <summary>Latency records stored: every response the server stored, refused turns' included.</summary>
    public long Records { get; private set; }

    public static async Task<StoredTurns> ReadAsync(string connectionString)
    {
        var stored = new StoredTurns();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await foreach (var row in QueryAsync(connection, "SELECT id, question_number FROM sessions"))
        {
            stored._questionNumbers[row.GetString(0)] = row.GetInt32(1);
        }

        await foreach (var row in QueryAsync(connection, "SELECT session_id, seq, role, question_number FROM messages ORDER BY session_id, seq"))
        {
            var id = row.GetString(0);
            if (!stored._messages.TryGetValue(id, out var list)) stored._messages[id] = list = [];
            list.Add((row.GetInt32(1), row.GetString(2), row.GetInt32(3)));
        }

        await foreach (var row in QueryAsync(connection, "SELECT count(*) FROM latency_records"))
        {
            stored.Records = row.GetInt64(0);
        }

        // Failed records (a refused turn, 409) store no messages; a turn's own record is the one that did not fail.
        await foreach (var row in QueryAsync(connection, "SELECT session_id, question_number, count(*) FROM latency_records WHERE NOT failed GROUP BY 1, 2"))
        {
            stored._records[(row.GetString(0), row.GetInt32(1))] = row.GetInt64(2);
        }

        return stored;
    }

    /// <summary>
    /// What is wrong with how each session is stored: its messages must be the greeting (seq 0, question 0) and then,
    /// for each question 1..N of the session, exactly one candidate line and one interviewer line numbered with it,
    /// seq without gaps; and exactly one latency record per question, greeting included.
    /// </summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (id, question) in _questionNumbers)
        {
            var messages = _messages.GetValueOrDefault(id) ?? [];
            var expected = new List<(int Seq, string Role, int Question)> { (0, "interviewer", 0) };
            for (var q = 1; q <= question; q++)
            {
                expected.Add((2 * q - 1, "candidate", q));
                expected.Add((2 * q, "interviewer", q));
            }

            if (!messages.SequenceEqual(expected))
            {
                yield return $"{id} (question {question}): messages {Describe(messages)}";
            }

            for (var q = 0; q <= question; q++)
            {
                var records = _records.GetValueOrDefault((id, q));
                if (records != 1) yield return $"{id}: {records} latency records of question {q}";
            }
        }
    }

    private static string Describe(List<(int Seq, string Role, int Question)> messages) =>
        string.Join(", ", messages.Select(m => $"{m.Seq}:{m.Role}:Q{m.Question}"));

    private static async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) yield return reader;
    }
}

using System.Runtime.CompilerServices;
using Promptly.Interviews;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    // Sessions by start (ix_sessions_created); an open session's last message through ix_messages_session,
    // one seek each, and only for open sessions: the rest never need it.
    private const string SessionOutcomes =
        """
        SELECT s.concept_id, s.interview_type, s.status, s.created_at, s.ended_at,
               CASE WHEN s.status = 'active' THEN (SELECT m.created_at FROM messages m WHERE m.session_key = s.search_key ORDER BY m.seq DESC LIMIT 1) END,
               s.question_number, s.element_coverage, s.orphan_ratio
        FROM sessions s
        WHERE s.created_at >= @p0
        """;

    /// <summary>One statement, so one snapshot: the rows stream to the caller as they are read.</summary>
    public async IAsyncEnumerable<SessionOutcome> SessionOutcomesAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = SessionOutcomes;
        command.Parameters.AddWithValue("@p0", ToUnixMs(since));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return StoredRows.Outcome(reader);
        }
    }
}

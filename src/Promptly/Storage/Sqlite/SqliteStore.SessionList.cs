using System.Text;
using Promptly.Interviews;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore : ISessionListStore
{
    /// <summary>
    /// Only the conditions asked for go into the statement, so the planner walks ix_sessions_created backwards from the
    /// cursor and stops after the page. Each word is a subquery of the transcript index (messages_fts), whose keys
    /// divided by 2^20 are sessions' search keys, built once per statement.
    /// </summary>
    /// <remarks>
    /// The unary <c>+</c> keeps the planner off ix_sessions_search_key: through it, a common word looked up every
    /// matching session and sorted them all (85 ms for a word in 40% of 100,000 sessions); walking
    /// ix_sessions_created, which holds search_key, stops after the page (15 ms) and a rare word costs one pass over
    /// that index (7 ms). See BENCHMARKS.md, "Sessions list". The budget figures are counted for the page's rows
    /// only, through ix_latency_session.
    /// </remarks>
    public async Task<IReadOnlyList<SessionSummary>> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT s.id, s.concept_id, s.interview_type, s.status, s.candidate, s.created_at, s.ended_at, s.question_number,
                   (SELECT count(*) FROM latency_records l WHERE l.session_id = s.id),
                   (SELECT coalesce(sum(l.failed = 0 AND l.response_time_ms <= l.threshold_ms), 0) FROM latency_records l WHERE l.session_id = s.id)
            FROM sessions s WHERE 1
            """);
        var args = new List<object?>();

        void Where(string condition, params object?[] values)
        {
            var text = condition;
            for (var i = 0; i < values.Length; i++)
            {
                text = text.Replace($"{{{i}}}", $"@p{args.Count}", StringComparison.Ordinal);
                args.Add(values[i]);
            }

            sql.Append(" AND ").Append(text);
        }

        if (query.Status is { } status) Where("s.status = {0}", status);
        if (query.ConceptId is { } concept) Where("s.concept_id = {0}", concept);
        if (query.InterviewType is { } type) Where("s.interview_type = {0}", type);
        if (query.From is { } from) Where("s.created_at >= {0}", ToUnixMs(from));
        if (query.To is { } to) Where("s.created_at < {0}", ToUnixMsCeiling(to));
        if (query.After is { } after) Where("(s.created_at, s.id) < ({0}, {1})", ToUnixMs(after.CreatedAt), after.Id);
        foreach (var word in query.Words)
        {
            Where("+s.search_key IN (SELECT rowid / 1048576 FROM messages_fts WHERE messages_fts MATCH {0})", Phrase(word));
        }

        sql.Append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ").Append(query.Limit);
        return await QueryAsync(sql.ToString(), r => new SessionSummary(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), FromUnixMs(r.GetInt64(5)), NullableTime(r, 6), r.GetInt32(7),
            r.GetInt32(8), r.GetInt32(9)),
            cancellationToken, [.. args]);
    }

    /// <summary>A word as an FTS5 string (a phrase of its tokens): quotes doubled, so nothing in it is read as FTS5 syntax.</summary>
    private static string Phrase(string word) => $"\"{word.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

using System.Text;
using Promptly.Interviews;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore : ISessionListStore
{
    /// <summary>
    /// Only the conditions asked for go into the statement, so the planner can walk ix_sessions_created backwards
    /// from the cursor and stop after the page. Each word is a phrase of its tokens (<c>phraseto_tsquery</c> with the
    /// 'simple' configuration: lowercased, no stemming) that some message of the session must hold, found through the
    /// GIN index on the messages' <c>words</c>; the planner chooses between reading a rare word's sessions first and
    /// probing the sessions it walks. The budget figures are counted for the page's rows only, through ix_latency_session.
    /// </summary>
    public async Task<IReadOnlyList<SessionSummary>> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var args = new List<object?>();
        var sql = new StringBuilder(
            """
            SELECT s.id, s.concept_id, s.interview_type, s.status, s.candidate, s.created_at, s.ended_at, s.question_number,
                   (SELECT count(*) FROM latency_records l WHERE l.session_id = s.id),
                   (SELECT count(*) FILTER (WHERE NOT l.failed AND l.response_time_ms <= l.threshold_ms) FROM latency_records l WHERE l.session_id = s.id),
                   (SELECT string_agg(DISTINCT l.channel, ',' ORDER BY l.channel) FROM latency_records l WHERE l.session_id = s.id)
            FROM sessions s WHERE true
            """);

        void Where(string condition, params object?[] values)
        {
            var text = condition;
            for (var i = 0; i < values.Length; i++)
            {
                args.Add(values[i]);
                text = text.Replace($"{{{i}}}", $"${args.Count}", StringComparison.Ordinal);
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
            Where("EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND m.words @@ phraseto_tsquery('simple', {0}))", word);
        }

        sql.Append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ").Append(query.Limit);
        return await QueryAsync(sql.ToString(), StoredRows.Summary,
            cancellationToken, [.. args]);
    }
}

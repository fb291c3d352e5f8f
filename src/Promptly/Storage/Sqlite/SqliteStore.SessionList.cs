using System.Text;
using Microsoft.Data.Sqlite;
using Promptly.Interviews;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore : ISessionListStore
{
    /// <summary>
    /// Only the conditions asked for go into the statement, so the planner walks ix_sessions_created backwards from the
    /// cursor and stops after the page. A word is found in the transcript index (messages_fts), whose rowids divided by
    /// 2^20 are sessions' search keys.
    /// </summary>
    /// <remarks>
    /// A search takes one of two paths, chosen by how many messages hold its rarest word (counted in the index up to
    /// <see cref="RareWordMessages"/>). A rare word drives: its few sessions are read from the index, looked up by
    /// ix_sessions_search_key and sorted. Otherwise the walk newest first goes on, and each session it passes is probed
    /// for the words within its own rowid range, so it stops once the page is full: a common word is in many of the
    /// first sessions, while listing all its matches first would cost time in proportion to them (76 ms for a word in
    /// 19% of a million sessions), and a rare word walked would cost a pass over every session. The other words of a
    /// search are probed the same way. See BENCHMARKS.md, "Sessions list". The budget figures are counted for the
    /// page's rows only, through ix_latency_session.
    /// </remarks>
    public async Task<IReadOnlyList<SessionSummary>> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        await using var connection = query.Words.Count > 0 ? await OpenSearchAsync(cancellationToken) : await OpenAsync(cancellationToken);
        var args = new List<object?>();
        var driver = await RarestWordAsync(connection, query.Words, cancellationToken);
        var sql = new StringBuilder(
            """
            SELECT s.id, s.concept_id, s.interview_type, s.status, s.candidate, s.created_at, s.ended_at, s.question_number,
                   (SELECT count(*) FROM latency_records l WHERE l.session_key = s.search_key),
                   (SELECT coalesce(sum(l.failed = 0 AND l.response_time_ms <= l.threshold_ms), 0) FROM latency_records l WHERE l.session_key = s.search_key),
                   (SELECT group_concat(channel, ',') FROM (SELECT DISTINCT l.channel FROM latency_records l WHERE l.session_key = s.search_key ORDER BY l.channel))
            """);
        if (driver is not null)
        {
            // CROSS JOIN keeps the rare word's sessions as the outer loop, whatever the planner would rather walk.
            sql.Append(" FROM (SELECT DISTINCT rowid / 1048576 AS search_key FROM messages_fts WHERE messages_fts MATCH @p0) AS hits")
                .Append(" CROSS JOIN sessions s ON s.search_key = hits.search_key WHERE 1");
            args.Add(Phrase(driver));
        }
        else
        {
            sql.Append(" FROM sessions s WHERE 1");
        }

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
        // An erased session's rows may still be in the index while a search runs beside its erasure; it has no words.
        if (query.Words.Count > 0) Where("s.status <> 'erased'");
        foreach (var word in query.Words.Where(w => w != driver))
        {
            Where("EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH {0} AND rowid BETWEEN s.search_key * 1048576 AND s.search_key * 1048576 + 1048575)", Phrase(word));
        }

        sql.Append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ").Append(query.Limit);
        return await QueryAsync(connection, sql.ToString(), StoredRows.Summary,
            cancellationToken, [.. args]);
    }

    /// <summary>
    /// Past this many messages holding it, a word is common: the page fills soon when walking the sessions newest first,
    /// while reading, looking up and sorting every match costs more with each one.
    /// </summary>
    private const int RareWordMessages = 2_000;

    /// <summary>The word held by the fewest messages, when that is few enough to drive the search; else null.</summary>
    private static async Task<string?> RarestWordAsync(SqliteConnection connection, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        (string Word, long Messages)? rarest = null;
        foreach (var word in words)
        {
            // Counting stops at the limit, so a common word costs a bounded read of its index entries.
            var messages = (await QueryAsync(connection,
                $"SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH @p0 LIMIT {RareWordMessages + 1})",
                r => r.GetInt64(0), cancellationToken, Phrase(word)))[0];
            if (messages <= RareWordMessages && (rarest is null || messages < rarest.Value.Messages)) rarest = (word, messages);
        }

        return rarest?.Word;
    }

    /// <summary>A word as an FTS5 string (a phrase of its tokens): quotes doubled, so nothing in it is read as FTS5 syntax.</summary>
    private static string Phrase(string word) => $"\"{word.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

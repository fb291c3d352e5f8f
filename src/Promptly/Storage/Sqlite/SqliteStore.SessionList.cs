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
    /// A search takes one of two paths, chosen by how many messages hold its rarest word (counted in the index up to
    /// <see cref="RareWordMessages"/>). A rare word looks its few sessions up through ix_sessions_search_key and sorts
    /// them (well under a millisecond); a common one walks ix_sessions_created, which holds search_key, newest first and
    /// stops once the page is full, since through the lookup it would fetch and sort every matching session (85 ms for
    /// a word in 40% of 100,000 sessions), while by the walk a rare word would cost a pass over every session in the
    /// range. The unary <c>+</c> keeps the planner off ix_sessions_search_key for the words that are not the chosen
    /// lookup. See BENCHMARKS.md, "Sessions list". The budget figures are counted for the page's rows only, through
    /// ix_latency_session.
    /// </remarks>
    public async Task<IReadOnlyList<SessionSummary>> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT s.id, s.concept_id, s.interview_type, s.status, s.candidate, s.created_at, s.ended_at, s.question_number,
                   (SELECT count(*) FROM latency_records l WHERE l.session_id = s.id),
                   (SELECT coalesce(sum(l.failed = 0 AND l.response_time_ms <= l.threshold_ms), 0) FROM latency_records l WHERE l.session_id = s.id),
                   (SELECT group_concat(channel, ',') FROM (SELECT DISTINCT l.channel FROM latency_records l WHERE l.session_id = s.id ORDER BY l.channel))
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
        var lookup = await RarestWordAsync(query.Words, cancellationToken);
        foreach (var word in query.Words)
        {
            var walk = word == lookup ? "" : "+";
            Where(walk + "s.search_key IN (SELECT rowid / 1048576 FROM messages_fts WHERE messages_fts MATCH {0})", Phrase(word));
        }

        sql.Append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ").Append(query.Limit);
        return await QueryAsync(sql.ToString(), r => new SessionSummary(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), FromUnixMs(r.GetInt64(5)), NullableTime(r, 6), r.GetInt32(7),
            r.GetInt32(8), r.GetInt32(9), r.IsDBNull(10) ? [] : r.GetString(10).Split(',')),
            cancellationToken, [.. args]);
    }

    /// <summary>
    /// Past this many messages holding it, a word is common: the page fills soon when walking the sessions newest first,
    /// and looking up every match would cost more (about 2 µs a session, against under 0.1 µs a session walked).
    /// </summary>
    private const int RareWordMessages = 2_000;

    /// <summary>The word held by the fewest messages, when that is few enough to look its sessions up; else null.</summary>
    private async Task<string?> RarestWordAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        (string Word, long Messages)? rarest = null;
        foreach (var word in words)
        {
            // Counting stops at the limit, so a common word costs a bounded read of its index entries.
            var messages = (await QueryAsync(
                $"SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH @p0 LIMIT {RareWordMessages + 1})",
                r => r.GetInt64(0), cancellationToken, Phrase(word)))[0];
            if (messages <= RareWordMessages && (rarest is null || messages < rarest.Value.Messages)) rarest = (word, messages);
        }

        return rarest?.Word;
    }

    /// <summary>A word as an FTS5 string (a phrase of its tokens): quotes doubled, so nothing in it is read as FTS5 syntax.</summary>
    private static string Phrase(string word) => $"\"{word.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

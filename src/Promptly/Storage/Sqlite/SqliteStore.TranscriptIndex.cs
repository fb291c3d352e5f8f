namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    /// <summary>
    /// Indexes up to <paramref name="limit"/> of the messages queued for the transcript index, oldest first, in one
    /// write queued with the requests' writes; returns how many it took from the queue.
    /// </summary>
    public Task<int> IndexQueuedMessagesAsync(int limit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => IndexQueued(context, limit), cancellationToken);

    /// <summary>
    /// Before a search reads the index: what turns committed before it is indexed, so a search finds every answered
    /// turn's words. Nothing to do (one read) when the queue is empty; a read-only database is searched as it is.
    /// </summary>
    private async Task IndexQueueBeforeSearchAsync(CancellationToken cancellationToken)
    {
        if (_readOnly) return;
        var queued = await QueryAsync("SELECT EXISTS (SELECT 1 FROM transcript_queue)", r => r.GetBoolean(0), cancellationToken);
        if (queued[0]) await _writer.WriteAsync(context => IndexQueued(context, long.MaxValue), cancellationToken);
    }

    // FTS5 writes a new segment of the index at every commit that added rows to it: a turn indexed in its own
    // transaction cost it about a quarter of its server CPU, hundreds a transaction about 70% of that, and none of it in
    // the turn's transaction (BENCHMARKS.md, "Turn cost"). The queue's rows and the index change in one transaction,
    // so no message is indexed twice or lost. A queued message of an erased session is indexed before the erasure
    // (Erase), so the join always finds its text.
    private static int IndexQueued(WriteContext context, long limit)
    {
        if (context.Scalar("SELECT max(id) FROM (SELECT id FROM transcript_queue ORDER BY id LIMIT @p0)", limit) is not long last) return 0;
        context.Execute(
            """
            INSERT INTO messages_fts (rowid, content)
            SELECT q.key, m.content FROM transcript_queue q
            JOIN sessions s ON s.search_key = q.key / 1048576
            JOIN messages m ON m.session_id = s.id AND m.seq = q.key % 1048576
            WHERE q.id <= @p0
            """, last);
        return context.Execute("DELETE FROM transcript_queue WHERE id <= @p0", last);
    }

    /// <summary>
    /// One bounded step of merging the transcript index's segments (FTS5's <c>merge</c> command, at most about
    /// <paramref name="pages"/> pages written), queued behind the requests' writes. False when there was nothing left
    /// to merge: no level holds two segments.
    /// </summary>
    public Task<bool> MergeTranscriptIndexAsync(int pages) =>
        _writer.WriteInBackgroundAsync(context =>
        {
            // FTS5 tells whether a merge did anything only through the connection's change count: under two, nothing.
            var before = (long)context.Scalar("SELECT total_changes()")!;
            context.Execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', @p0)", pages);
            return (long)context.Scalar("SELECT total_changes()")! - before >= 2;
        });
}

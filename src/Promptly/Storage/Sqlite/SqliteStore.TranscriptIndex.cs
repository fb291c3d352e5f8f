namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
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

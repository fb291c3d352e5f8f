using Microsoft.Data.Sqlite;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    /// <summary>
    /// Indexes up to <paramref name="limit"/> messages not yet in the transcript index and applies up to as many queued
    /// erasures, oldest first, in one transaction of the index's own file (<see cref="TranscriptIndex"/>), not through
    /// the writer; returns how many of both it took.
    /// </summary>
    public Task<int> IndexPendingMessagesAsync(long limit, CancellationToken cancellationToken) =>
        Index.IndexPendingAsync(limit, cancellationToken);

    /// <summary>
    /// Deletes the queue's erasures already applied to the index, keeping the last (so that new entries' ids only
    /// grow), in a background write, when there are any; returns how many it deleted.
    /// </summary>
    public async Task<int> TrimTranscriptQueueAsync()
    {
        var through = Index.IndexedThrough;
        if (through <= Volatile.Read(ref _queueTrimmedThrough)) return 0;
        var trimmed = await _writer.WriteInBackgroundAsync(context => context.Execute("DELETE FROM transcript_queue WHERE id < @p0", through));
        Volatile.Write(ref _queueTrimmedThrough, through);
        return trimmed;
    }

    // Where the last trim reached: most passes index messages only, and need no write to the store.
    private long _queueTrimmedThrough;

    /// <summary>
    /// One bounded step of merging the transcript index's segments (at most about <paramref name="pages"/> pages
    /// written); false when there was nothing left to merge.
    /// </summary>
    public Task<bool> MergeTranscriptIndexAsync(int pages) => Index.MergeAsync(pages);

    private TranscriptIndex Index => _index ?? throw new StorageUnavailableException("The database is open read-only: its transcript index is not kept.", null);

    /// <summary>
    /// A connection for a search: the store's, with the transcript index attached (as <c>search</c>, so
    /// <c>messages_fts</c> names it). Not pooled, so no pooled connection of the store's ever carries the attachment.
    /// Before it reads, what turns and erasures committed before the search is indexed, so a search finds every
    /// answered turn's words and nothing of an erased session.
    /// </summary>
    private async Task<SqliteConnection> OpenSearchAsync(CancellationToken cancellationToken)
    {
        await Index.IndexPendingAsync(long.MaxValue, cancellationToken);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var attach = connection.CreateCommand();
            attach.CommandText = "ATTACH DATABASE $path AS search";
            attach.Parameters.AddWithValue("$path", Index.Path);
            await attach.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StorageUnavailableException($"The transcript index cannot be opened: {e.Message}", e);
        }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Promptly.Interviews;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>
/// The transcript index behind the turns, in a file of its own: <see cref="TranscriptIndexer"/> indexes the messages
/// turns stored since its last step, an erasure queues its session's removal (the queue is trimmed behind the index),
/// and a search indexes what is pending first, so what it sees is as if every turn and erasure had changed the index
/// itself; the index is built from the stored messages when its file is missing or does not match the store; messages go
/// in in rowid order, one segment a step; and the indexer's merge of the index's segments, after which searches find
/// the same sessions.
/// </summary>
public sealed class TranscriptIndexerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
    private IOptions<SqliteOptions> _options = null!;
    private SqliteStore _store = null!;

    private string DatabasePath => Path.Combine(_folder, "promptly.db");

    private string IndexPath => Path.Combine(_folder, "promptly.search.db");

    public Task InitializeAsync()
    {
        _options = Options.Create(new SqliteOptions { DataFolder = _folder });
        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private TranscriptIndexer Indexer() => new(_store, _options, new FakeTimeProvider(Start), NullLogger<TranscriptIndexer>.Instance);

    private async Task<string> StartAsync(int i, string greeting)
    {
        var at = Start.AddMinutes(i);
        var id = Guid.CreateVersion7(at).ToString("N");
        await _store.CreateSessionAsync(
            new SessionRecord { Id = id, ConceptId = "oat_milk_v1", InterviewType = "PRACTICE", Status = SessionStatus.Active, QuestionNumber = 0, CreatedAt = at },
            new TranscriptMessage(0, MessageRoles.Interviewer, greeting, 0, null, "greeting", at), null, CancellationToken.None);
        return id;
    }

    private async Task TurnAsync(string id, string answer, string reply)
    {
        var at = Start.AddHours(1);
        await _store.AppendTurnAsync(
            new TurnWrite(id, 0, 1, SessionStatus.Active,
                [new TranscriptMessage(1, MessageRoles.Candidate, answer, 1, null, null, at), new TranscriptMessage(2, MessageRoles.Interviewer, reply, 1, null, "question", at)],
                null),
            CancellationToken.None);
    }

    private async Task<List<string>> SearchAsync(params string[] words) =>
        [.. (await _store.ListSessionsAsync(new SessionQuery(null, null, null, null, null, words, null, 100), CancellationToken.None)).Select(s => s.Id)];

    private T Run<T>(string sql, Func<SqliteCommand, T> run, string? path = null)
    {
        using var connection = new SqliteConnection($"Data Source={path ?? DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return run(command);
    }

    private long Scalar(string sql, string? path = null) => Run(sql, c => Convert.ToInt64(c.ExecuteScalar()), path);

    // Read straight from the index, not through a search (which would index the queue first).
    private long Indexed(string word) => Scalar($"SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"{word}\"'", IndexPath);

    // FTS5 raises an error when the index does not match itself.
    private void AssertIndexWhole() => Run("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)", c => c.ExecuteNonQuery(), IndexPath);

    private async Task RestartAsync()
    {
        await _store.DisposeAsync();
        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);
    }

    [Fact]
    public async Task Turns_QueueNothing_IndexAsyncIndexesTheirMessagesOnce()
    {
        var first = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await TurnAsync(first, "I like marzipan.", "Why marzipan?");
        await StartAsync(1, "Hello, shall we talk about oat milk?");

        Assert.Equal(0, Scalar("SELECT count(*) FROM transcript_queue"));
        Assert.Equal(0, Indexed("marzipan"));

        Assert.Equal(4, await Indexer().IndexAsync(CancellationToken.None));

        Assert.Equal(2, Indexed("marzipan"));
        Assert.Equal(2, Indexed("hello"));
        Assert.Equal(0, await Indexer().IndexAsync(CancellationToken.None));
        Assert.Equal(0, await _store.TrimTranscriptQueueAsync());
        AssertIndexWhole();
    }

    // FTS5 writes out a new segment of the index whenever a message comes with a lower rowid than the one before it.
    private long Segments() => Scalar("SELECT count(DISTINCT segid) FROM messages_fts_idx", IndexPath);

    // Two sessions' messages written in the order first, second, first, first, second, second: the first session's
    // turn has lower rowids than the second's greeting.
    private async Task<(string First, string Second)> InterleavedTurnsAsync()
    {
        var first = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        var second = await StartAsync(1, "Hello, shall we talk about oat milk?");
        await TurnAsync(first, "I like marzipan.", "Why marzipan?");
        await TurnAsync(second, "Creamy.", "Why creamy?");
        return (first, second);
    }

    [Fact]
    public async Task IndexAsync_SessionsMessagesInterleaved_WritesOneSegment()
    {
        var (first, _) = await InterleavedTurnsAsync();

        Assert.Equal(6, await Indexer().IndexAsync(CancellationToken.None));

        Assert.Equal(1, Segments());
        Assert.Equal([first], await SearchAsync("marzipan"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task MissingIndexFile_SessionsMessagesInterleaved_IsBuiltAsOneSegment()
    {
        var (_, second) = await InterleavedTurnsAsync();
        await _store.DisposeAsync();
        foreach (var file in Directory.GetFiles(_folder, "promptly.search.db*")) File.Delete(file);

        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);

        Assert.Equal(1, Segments());
        Assert.Equal([second], await SearchAsync("creamy"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task Erasures_AppliedThenTrimmed_TheLastEntryKept()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await StartAsync(i, $"Hello, shall we talk about zeppelins, number {i}?"));
        foreach (var id in ids) Assert.True(await _store.EraseSessionAsync(id, Start.AddDays(1), CancellationToken.None));
        Assert.Equal(3, Scalar("SELECT count(*) FROM transcript_queue"));

        // The greetings left the store before they were indexed: the step applies the three erasures alone.
        Assert.Equal(3, await Indexer().IndexAsync(CancellationToken.None));
        Assert.Equal(2, await _store.TrimTranscriptQueueAsync());

        // The last entry stays, so that the ids of those queued next are past what the index applied.
        Assert.Equal(1, Scalar("SELECT count(*) FROM transcript_queue"));
        Assert.Equal(0, await _store.TrimTranscriptQueueAsync());
        Assert.Equal(0, Indexed("zeppelins"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task Erase_OfTheNewestSession_TheNextSessionsMessagesAreStillIndexed()
    {
        await StartAsync(0, "Hello, shall we talk about oat milk?");
        var newest = await StartAsync(1, "Hello, shall we talk about zeppelins?");
        await TurnAsync(newest, "Zeppelins, always.", "Why?");
        await Indexer().IndexAsync(CancellationToken.None);
        Assert.True(await _store.EraseSessionAsync(newest, Start.AddDays(1), CancellationToken.None));

        // Its messages held the highest ids: the next ones must not be given those again, or the index would skip them.
        var next = await StartAsync(2, "Hello, shall we talk about marzipan?");
        await TurnAsync(next, "Marzipan, daily.", "Why?");
        await Indexer().IndexAsync(CancellationToken.None);

        Assert.Equal(2, Indexed("marzipan"));
        Assert.Equal(0, Indexed("zeppelins"));
        Assert.Equal([next], await SearchAsync("marzipan"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task IndexingAndTurns_WaitForNeitherOthersWriteLock()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");

        // Another writer holds the store's write lock: a step still indexes, as it only reads the store.
        using (var store = Locked(DatabasePath))
        {
            Assert.Equal(1, await _store.IndexPendingMessagesAsync(10, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        }

        // Another writer holds the index's write lock: a turn still commits, as the store's writer never writes the index.
        using (var index = Locked(IndexPath))
        {
            await TurnAsync(id, "Marzipan.", "Why?").WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(2, await _store.IndexPendingMessagesAsync(10, CancellationToken.None));
        Assert.Equal(1, Indexed("marzipan"));
    }

    private static SqliteConnection Locked(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
        return connection;
    }

    [Fact]
    public async Task IndexQueuedMessages_TakesAtMostTheLimit_OldestFirst()
    {
        await StartAsync(0, "zeppelin one");
        await StartAsync(1, "zeppelin two");
        await StartAsync(2, "zeppelin three");

        Assert.Equal(2, await _store.IndexPendingMessagesAsync(2, CancellationToken.None));

        Assert.Equal((2L, 0L), (Indexed("zeppelin"), Indexed("three")));
        Assert.Equal(1, await _store.IndexPendingMessagesAsync(2, CancellationToken.None));
        Assert.Equal(0, await _store.IndexPendingMessagesAsync(2, CancellationToken.None));
        Assert.Equal(3, Indexed("zeppelin"));
    }

    [Fact]
    public async Task Search_BeforeTheIndexerRan_FindsTheLatestTurnsWords()
    {
        var id = await StartAsync(0, "Hello there.");
        await Indexer().IndexAsync(CancellationToken.None);
        await TurnAsync(id, "Quinoa, mostly.", "Tell me more.");

        Assert.Equal(0, Indexed("quinoa"));
        Assert.Equal([id], await SearchAsync("quinoa"));
        Assert.Equal(1, Indexed("quinoa"));
    }

    [Fact]
    public async Task Erase_OfASessionWithQueuedMessages_LeavesTheIndexWholeAndWithoutThem()
    {
        var erased = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await Indexer().IndexAsync(CancellationToken.None);
        await TurnAsync(erased, "Zeppelins and marzipan.", "Why?");
        var kept = await StartAsync(1, "Hello, shall we talk about marzipan?");

        Assert.True(await _store.EraseSessionAsync(erased, Start.AddDays(1), CancellationToken.None));

        Assert.Equal([kept], await SearchAsync("marzipan"));
        Assert.Empty(await SearchAsync("zeppelins"));
        // Gone from the index itself, not only from the results: the greeting indexed before and the turn queued after.
        Assert.Equal(0, Indexed("zeppelins"));
        Assert.Equal(1, Indexed("marzipan"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task Erase_OfAnIndexedSession_RemovesItsRowsAtTheNextStep()
    {
        var erased = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        var kept = await StartAsync(1, "Hello, shall we talk about zeppelins too?");
        await Indexer().IndexAsync(CancellationToken.None);

        Assert.True(await _store.EraseSessionAsync(erased, Start.AddDays(1), CancellationToken.None));
        Assert.Equal(2, Indexed("zeppelins"));
        // The search indexes the queue first: the erasure queued there drops the session's rows before it reads.
        Assert.Equal([kept], await SearchAsync("zeppelins"));

        Assert.Equal(1, Indexed("zeppelins"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task Pending_SurvivesARestart_AndIsIndexedAfterIt()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await RestartAsync();

        Assert.Equal(1, await Indexer().IndexAsync(CancellationToken.None));

        Assert.Equal(1, Indexed("zeppelins"));
        Assert.Equal([id], await SearchAsync("zeppelins"));
    }

    [Fact]
    public async Task Restart_ResumesAfterWhatTheIndexHolds_NothingIndexedTwice()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await Indexer().IndexAsync(CancellationToken.None);
        await TurnAsync(id, "Zeppelins, still.", "Why?");
        await RestartAsync();

        Assert.Equal(2, await Indexer().IndexAsync(CancellationToken.None));

        Assert.Equal(2, Indexed("zeppelins"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task MissingIndexFile_IsBuiltFromTheStoredMessages_AtTheNextStart()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await TurnAsync(id, "Marzipan.", "Why?");
        var erased = await StartAsync(1, "Hello, shall we talk about zeppelins again?");
        await Indexer().IndexAsync(CancellationToken.None);
        await _store.TrimTranscriptQueueAsync();
        Assert.True(await _store.EraseSessionAsync(erased, Start.AddDays(1), CancellationToken.None));
        await _store.DisposeAsync();
        foreach (var file in Directory.GetFiles(_folder, "promptly.search.db*")) File.Delete(file);

        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);

        Assert.Equal((1L, 1L), (Indexed("zeppelins"), Indexed("marzipan")));
        Assert.Equal(0, await Indexer().IndexAsync(CancellationToken.None));
        Assert.Equal([id], await SearchAsync("zeppelins"));
        AssertIndexWhole();
    }

    [Fact]
    public async Task UnreadableIndexFile_IsBuiltAgain()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await _store.DisposeAsync();
        foreach (var file in Directory.GetFiles(_folder, "promptly.search.db-*")) File.Delete(file);
        File.WriteAllText(IndexPath, new string('x', 8192));

        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);

        Assert.Equal(1, Indexed("zeppelins"));
        Assert.Equal([id], await SearchAsync("zeppelins"));
    }

    [Fact]
    public async Task IndexOfAnEarlierVersion_IsBuiltAgain()
    {
        var id = await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await _store.DisposeAsync();
        Run("PRAGMA user_version = 1", c => c.ExecuteNonQuery(), IndexPath);
        Run("DELETE FROM messages_fts", c => c.ExecuteNonQuery(), IndexPath);

        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);

        Assert.Equal(1, Indexed("zeppelins"));
        Assert.Equal(2, Scalar("PRAGMA user_version", IndexPath));
        Assert.Equal([id], await SearchAsync("zeppelins"));
    }

    [Fact]
    public async Task IndexOfAnotherStore_IsBuiltAgain()
    {
        await StartAsync(0, "Hello, shall we talk about zeppelins?");
        await StartAsync(1, "Hello again.");
        await Indexer().IndexAsync(CancellationToken.None);
        await _store.DisposeAsync();
        // The store as a backup taken before the second session would be: its messages end before what the index holds.
        Run("DELETE FROM messages WHERE content = 'Hello again.'", c => c.ExecuteNonQuery());
        Run("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'messages'", c => c.ExecuteNonQuery());

        _store = new SqliteStore(_options, NullLogger<SqliteStore>.Instance);

        Assert.Equal((1L, 0L), (Indexed("zeppelins"), Indexed("again")));
        AssertIndexWhole();
    }

    [Fact]
    public async Task MergeAsync_ManySmallCommits_MergesUntilNothingLeftAndSearchesFindTheSameSessions()
    {
        // Each session indexed in a transaction of its own: each such commit adds a segment, so there is work to merge.
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await StartAsync(i, i % 3 == 0 ? $"Hello, shall we talk about zeppelin trips, number {i}?" : $"Hello, shall we talk about oat milk, number {i}?"));
            await _store.IndexPendingMessagesAsync(TranscriptIndexer.MessagesPerStep, CancellationToken.None);
        }

        var zeppelin = await SearchAsync("zeppelin");
        var numberSeven = await SearchAsync("oat", "7");

        var merged = await Indexer().MergeAsync(CancellationToken.None);

        Assert.True(merged > 0, "thirty commits leave levels of two segments or more");
        Assert.Equal(0, await Indexer().MergeAsync(CancellationToken.None));
        Assert.Equal(zeppelin, await SearchAsync("zeppelin"));
        Assert.Equal(ids.Where((_, i) => i % 3 == 0).Reverse(), zeppelin);
        Assert.Equal(numberSeven, await SearchAsync("oat", "7"));
        Assert.Equal([ids[7]], numberSeven);
        AssertIndexWhole();
    }

    [Fact]
    public async Task MergeAsync_IndexAlreadyMerged_DoesNothing()
    {
        await StartAsync(0, "Hello.");
        await Indexer().IndexAsync(CancellationToken.None);

        Assert.Equal(0, await Indexer().MergeAsync(CancellationToken.None));
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Promptly.Interviews;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>Merging the transcript index's segments in the background: searches find the same sessions after it.</summary>
public sealed class TranscriptIndexMergeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private TranscriptIndexMerge _merge = null!;

    public Task InitializeAsync()
    {
        var options = Options.Create(new SqliteOptions { DataFolder = _folder });
        _store = new SqliteStore(options, NullLogger<SqliteStore>.Instance);
        _merge = new TranscriptIndexMerge(_store, options, new FakeTimeProvider(Start), NullLogger<TranscriptIndexMerge>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    // Each session indexed in a transaction of its own: each such commit adds a segment to the index, so there is work
    // to merge.
    private async Task<List<string>> StartSessionsAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var at = Start.AddMinutes(i);
            var id = Guid.CreateVersion7(at).ToString("N");
            var greeting = i % 3 == 0 ? $"Hello, shall we talk about zeppelin trips, number {i}?" : $"Hello, shall we talk about oat milk, number {i}?";
            await _store.CreateSessionAsync(
                new SessionRecord { Id = id, ConceptId = "oat_milk_v1", InterviewType = "PRACTICE", Status = SessionStatus.Active, QuestionNumber = 0, CreatedAt = at },
                new TranscriptMessage(0, MessageRoles.Interviewer, greeting, 0, null, "greeting", at), null, CancellationToken.None);
            await _store.IndexQueuedMessagesAsync(TranscriptIndexer.MessagesPerStep, CancellationToken.None);
            ids.Add(id);
        }

        return ids;
    }

    private async Task<List<string>> SearchAsync(params string[] words) =>
        [.. (await _store.ListSessionsAsync(new SessionQuery(null, null, null, null, null, words, null, 100), CancellationToken.None)).Select(s => s.Id)];

    [Fact]
    public async Task MergeAsync_ManySmallCommits_MergesUntilNothingLeftAndSearchesFindTheSameSessions()
    {
        var ids = await StartSessionsAsync(30);
        var zeppelin = await SearchAsync("zeppelin");
        var numberSeven = await SearchAsync("oat", "7");

        var merged = await _merge.MergeAsync(CancellationToken.None);

        Assert.True(merged > 0, "thirty commits leave levels of two segments or more");
        Assert.Equal(0, await _merge.MergeAsync(CancellationToken.None));
        Assert.Equal(zeppelin, await SearchAsync("zeppelin"));
        Assert.Equal(ids.Where((_, i) => i % 3 == 0).Reverse(), zeppelin);
        Assert.Equal(numberSeven, await SearchAsync("oat", "7"));
        Assert.Equal([ids[7]], numberSeven);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "promptly.db")}");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)";
        check.ExecuteNonQuery();
    }

    [Fact]
    public async Task MergeAsync_IndexAlreadyMerged_DoesNothing()
    {
        await StartSessionsAsync(1);

        Assert.Equal(0, await _merge.MergeAsync(CancellationToken.None));
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Promptly.Interviews;
using Promptly.Storage.Sqlite;

namespace Promptly.Tests.Storage.Sqlite;

/// <summary>
/// Upgrading a store whose messages and latency records were keyed by session id to the layout the turns now write
/// (messages appended, both found by the session's integer key): everything stored before is found by its session as
/// before, in order, and new turns and erasures work on the migrated rows.
/// </summary>
public sealed class SqliteSchemaTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore? _store;

    private string DatabasePath => Path.Combine(_folder, "promptly.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// Two sessions whose messages interleave in time, written under the layout before this migration, with search keys
    /// out of creation order, and a latency record of a session that was never stored.
    /// </summary>
    private void WriteBeforeMigration()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        SqliteSchema.Migrate(connection, SqliteSchema.LatestVersion - 1);
        using var insert = connection.CreateCommand();
        insert.CommandText =
            """
            INSERT INTO sessions (id, concept_id, interview_type, status, question_number, created_at, search_key) VALUES
                ('oats', 'oat_milk_v1', 'PRACTICE', 'active', 1, 1772445600000, 7),
                ('rice', 'oat_milk_v1', 'PRACTICE', 'active', 1, 1772445601000, 3);
            INSERT INTO messages (session_id, seq, role, content, question_number, created_at) VALUES
                ('rice', 1, 'candidate', 'Rice milk, mostly.', 1, 1772445602000),
                ('oats', 0, 'interviewer', 'Hello oats!', 0, 1772445600000),
                ('rice', 0, 'interviewer', 'Hello rice!', 0, 1772445601000),
                ('oats', 2, 'interviewer', 'Why oats?', 1, 1772445603000),
                ('oats', 1, 'candidate', 'Oat milk in coffee.', 1, 1772445603000),
                ('rice', 2, 'interviewer', 'Why rice?', 1, 1772445602000);
            INSERT INTO latency_records (session_id, candidate, interview_type, concept_id, question_number, response_time_ms, ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, timestamp) VALUES
                ('oats', 'Ada', 'PRACTICE', 'oat_milk_v1', 0, 5, 1, '{}', 2000, 5000, 0, 1772445600000),
                ('rice', 'Bo', 'PRACTICE', 'oat_milk_v1', 0, 6, 1, '{}', 2000, 5000, 0, 1772445601000),
                ('oats', 'Ada', 'PRACTICE', 'oat_milk_v1', 1, 7, 1, '{}', 2000, 5000, 0, 1772445603000),
                ('gone', null, 'PRACTICE', 'oat_milk_v1', 0, 8, 1, '{}', 2000, 5000, 1, 1772445604000);
            """;
        insert.ExecuteNonQuery();
    }

    private SqliteStore Open() => _store = new SqliteStore(Options.Create(new SqliteOptions { DataFolder = _folder }), NullLogger<SqliteStore>.Instance);

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Fact]
    public async Task Migrate_MessagesKeyedBySessionId_EachSessionsTranscriptAndRecordsFoundInOrder()
    {
        WriteBeforeMigration();

        var store = Open();

        var oats = await store.LoadSessionAsync("oats", CancellationToken.None);
        var rice = await store.LoadSessionAsync("rice", CancellationToken.None);
        Assert.Equal(["Hello oats!", "Oat milk in coffee.", "Why oats?"], oats!.Messages.Select(m => m.Content));
        Assert.Equal([0, 1, 2], oats.Messages.Select(m => m.Seq));
        Assert.Equal(["Hello rice!", "Rice milk, mostly.", "Why rice?"], rice!.Messages.Select(m => m.Content));
        Assert.Equal([0, 1], (await store.SessionLatencyAsync("oats", CancellationToken.None)).Select(r => r.QuestionNumber));
        Assert.Equal([6.0], (await store.SessionLatencyAsync("rice", CancellationToken.None)).Select(r => r.ResponseTimeMs));
        // A record whose session was never stored is kept (the analytics count it), under no session.
        Assert.Equal(4, Scalar("SELECT count(*) FROM latency_records"));
        Assert.Equal(1, Scalar("SELECT count(*) FROM latency_records WHERE session_key IS NULL AND session_id = 'gone'"));
        Assert.Equal(SqliteSchema.LatestVersion, Scalar("PRAGMA user_version"));
    }

    [Fact]
    public async Task Migrate_ThenTurnAndErasure_TurnLandsInItsSessionAndErasureTakesOnlyItsOwn()
    {
        WriteBeforeMigration();
        var store = Open();

        await store.AppendTurnAsync(
            new TurnWrite("rice", 1, 2, SessionStatus.Active,
                [new TranscriptMessage(3, MessageRoles.Candidate, "Cheaper.", 2, null, null, At), new TranscriptMessage(4, MessageRoles.Interviewer, "Anything else?", 2, null, "question", At)],
                null),
            CancellationToken.None);
        Assert.True(await store.EraseSessionAsync("oats", At, CancellationToken.None));

        var rice = await store.LoadSessionAsync("rice", CancellationToken.None);
        Assert.Equal(["Hello rice!", "Rice milk, mostly.", "Why rice?", "Cheaper.", "Anything else?"], rice!.Messages.Select(m => m.Content));
        Assert.Null(await store.LoadSessionAsync("oats", CancellationToken.None));
        Assert.Equal(0, Scalar("SELECT count(*) FROM messages WHERE session_key = 7"));
        Assert.Equal(0, Scalar("SELECT count(*) FROM latency_records WHERE session_id = 'oats' AND candidate IS NOT NULL"));
        Assert.Equal(1, Scalar("SELECT count(*) FROM latency_records WHERE session_id = 'rice' AND candidate = 'Bo'"));
    }
}

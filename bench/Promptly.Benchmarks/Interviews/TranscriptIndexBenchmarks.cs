using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using Promptly.Benchmarks.Analytics;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// What indexing 100,000 stored messages costs the transcript index (the indexer's steps of
/// <see cref="TranscriptIndexer.MessagesPerStep"/>, through the store as the server runs them), with the messages written
/// as a turn load writes them (the turns of 200 sessions in a random order, as <c>bench/turn-load.sh</c> keeps 200
/// interviews going, so every other message's index rowid is lower than the one before it) or one session after another.
/// Each iteration starts from a fresh store holding the messages and an empty index; divide the time by 100,000 for a
/// message.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, iterationCount: 15, invocationCount: 1)]
public class TranscriptIndexBenchmarks
{
    private const int Sessions = 200;
    private const int MessagesPerSession = 500;

    private static readonly string[] Answers =
        ["Mostly backend work.", "Payments, mainly.", "A flaky cache.", "Queues.", "Unit tests.", "I ask questions.", "Cut scope.", "We talked.", "Rust.", "Good team."];

    private static readonly string[] Questions =
        ["What drew you to that work, and why?", "Tell me about a hard bug you fixed.", "How do you decide what to test?", "What would you do differently next time?"];

    private string _folder = null!;
    private SqliteStore _store = null!;

    /// <summary>True: written as 200 concurrent interviews write them, their turns in a random order; false: one interview after another.</summary>
    [Params(true, false)]
    public bool Interleaved { get; set; }

    [IterationSetup]
    public void Seed()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"promptly-transcript-index-{Guid.NewGuid():N}");
        _store = ProductServices.OpenStore(_folder);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "promptly.db")}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages (session_key, seq, role, content, question_number, created_at) VALUES ($key, $seq, $role, $content, $seq / 2, 0)";
        var (key, seq, role, content) = (insert.Parameters.Add("$key", SqliteType.Integer), insert.Parameters.Add("$seq", SqliteType.Integer),
            insert.Parameters.Add("$role", SqliteType.Text), insert.Parameters.Add("$content", SqliteType.Text));
        // A turn writes two messages of its session; under load the sessions' turns come in no order.
        var turns = Enumerable.Range(0, Sessions * MessagesPerSession / 2).Select(t => Interleaved ? t % Sessions : t / (MessagesPerSession / 2)).ToArray();
        if (Interleaved) new Random(11).Shuffle(turns);
        var next = new int[Sessions];
        foreach (var session in turns)
        {
            for (var i = 0; i < 2; i++)
            {
                var message = next[session]++;
                key.Value = session + 1;
                seq.Value = message;
                role.Value = message % 2 == 0 ? "candidate" : "interviewer";
                content.Value = message % 2 == 0 ? Answers[(session + message) % Answers.Length] : Questions[(session + message) % Questions.Length];
                insert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    [Benchmark(Description = "Index 100,000 messages")]
    public async Task<int> Index()
    {
        int step, indexed = 0;
        while ((step = await _store.IndexPendingMessagesAsync(TranscriptIndexer.MessagesPerStep, CancellationToken.None)) > 0) indexed += step;
        return indexed;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

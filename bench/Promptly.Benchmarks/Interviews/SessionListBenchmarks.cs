using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Promptly.Interviews;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// <c>GET /sessions</c>'s read over a million sessions of 5 messages each (5 million messages in the transcript
/// index): the first page, a page halfway down (cursor), a filtered page, and searches for a word in 0.1% of the
/// sessions and for one in about 19% of them. Written once into the temporary folder and kept for later runs. The
/// index (<see cref="TranscriptIndex"/>) is built from the messages when the store first opens them, and read as that
/// left it, and after the server's background merge (<see cref="TranscriptIndexer"/>) has run to the end on a copy of
/// its own.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SessionListBenchmarks : SeededStoreBenchmark
{
    private const int Sessions = 1_000_000;
    private const int Messages = 5;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T12:00:00Z");
    private static readonly string[] Vocabulary = BuildVocabulary();
    private SessionPosition _middle;

    /// <summary>Whether the transcript index's segments were merged as the server merges them in the background.</summary>
    [Params(false, true)]
    public bool Merged { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A million sessions take minutes to write: written once into promptly-session-list-1m(-merged) and reused.
        OpenSeeded(Merged ? "session-list-1m-merged" : "session-list-1m", Seed, keep: true);
        // The server's steps, to the end; on a file merged by an earlier run the first step finds nothing to do.
        while (Merged && Store.MergeTranscriptIndexAsync(TranscriptIndexer.PagesPerStep).GetAwaiter().GetResult())
        {
        }

        var page = Store.ListSessionsAsync(Query([], null, Sessions / 2), CancellationToken.None).GetAwaiter().GetResult();
        _middle = new SessionPosition(page[^1].CreatedAt, page[^1].Id);
    }

    [Benchmark(Description = "First page, limit=50")]
    public async Task<int> FirstPage() => (await Store.ListSessionsAsync(Query([], null, 51), CancellationToken.None)).Count;

    [Benchmark(Description = "Page after 500,000 (cursor), limit=50")]
    public async Task<int> MiddlePage() => (await Store.ListSessionsAsync(Query([], _middle, 51), CancellationToken.None)).Count;

    [Benchmark(Description = "status=completed&concept_id=…, limit=50")]
    public async Task<int> Filtered() =>
        (await Store.ListSessionsAsync(new SessionQuery("completed", "screening", null, null, null, [], null, 51), CancellationToken.None)).Count;

    [Benchmark(Description = "q=zeppelin (1,000 sessions), limit=50")]
    public async Task<int> RareWord() => (await Store.ListSessionsAsync(Query(["zeppelin"], null, 51), CancellationToken.None)).Count;

    [Benchmark(Description = "q=creamy (about 19% of the sessions), limit=50")]
    public async Task<int> CommonWord() => (await Store.ListSessionsAsync(Query(["creamy"], null, 51), CancellationToken.None)).Count;

    [Benchmark(Description = "q=creamy zeppelin, limit=50")]
    public async Task<int> TwoWords() => (await Store.ListSessionsAsync(Query(["creamy", "zeppelin"], null, 51), CancellationToken.None)).Count;

    private static SessionQuery Query(IReadOnlyList<string> words, SessionPosition? after, int limit) => new(null, null, null, null, null, words, after, limit);

    private static string[] BuildVocabulary()
    {
        var random = new Random(15);
        return [.. Enumerable.Range(0, 5_000).Select(_ => new string([.. Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26)))]))];
    }

    private static void Seed(string database)
    {
        string[] guides = ["oat_milk_v1", "software_engineer_practice", "screening"];
        string[] statuses = ["completed", "completed", "ended", "active"];
        var random = new Random(15);
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var session = connection.CreateCommand();
        session.CommandText =
            "INSERT INTO sessions (id, concept_id, interview_type, status, question_number, created_at, search_key) VALUES ($id, $c, 'PRACTICE', $s, 5, $at, $key)";
        using var message = connection.CreateCommand();
        message.CommandText = "INSERT INTO messages (session_key, seq, role, content, question_number, created_at) VALUES ($key, $seq, $role, $text, $seq, $at)";
        for (var i = 0; i < Sessions; i++)
        {
            var created = Now.AddSeconds(-(Sessions - i) * 30);
            var id = Guid.CreateVersion7(created).ToString("N");
            Bind(session, ("$id", id), ("$c", guides[i % 3]), ("$s", statuses[random.Next(4)]), ("$at", created.ToUnixTimeMilliseconds()), ("$key", i + 1));
            session.ExecuteNonQuery();
            for (var seq = 0; seq < Messages; seq++)
            {
                var words = Enumerable.Range(0, 20).Select(_ => Vocabulary[(int)(Vocabulary.Length * Math.Pow(random.NextDouble(), 3))]).ToList();
                if (seq % 2 == 1 && random.Next(10) == 0) words.Add("creamy");
                if (seq == 1 && i % 1000 == 0) words.Add("zeppelin");
                var text = string.Join(' ', words);
                Bind(message, ("$key", i + 1), ("$seq", seq), ("$role", seq % 2 == 0 ? "interviewer" : "candidate"), ("$text", text), ("$at", created.ToUnixTimeMilliseconds()));
                message.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }
}

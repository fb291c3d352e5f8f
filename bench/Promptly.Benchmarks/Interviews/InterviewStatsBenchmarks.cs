using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Promptly.Interviews;

namespace Promptly.Benchmarks.Interviews;

/// <summary>
/// <c>GET /api/interviews/stats?days=7</c> over 100,000 sessions, all started within the window (the worst case: every
/// row is read): 3 guides × 2 types, 70% completed, 15% ended early, 10% idle past the abandon time, 5% active, each
/// with its last message. Written once into a fresh database in the temporary folder. Target: under 100 ms.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class InterviewStatsBenchmarks : SeededStoreBenchmark
{
    private const int Sessions = 100_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T12:00:00Z");
    private InterviewStatistics _statistics = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenSeeded("interview-stats", Seed);
        _statistics = new InterviewStatistics(Store, Options.Create(new InterviewOptions()), new FixedClock(Now));
    }

    [Benchmark(Description = "Interview stats, days=7, 100,000 sessions")]
    public async Task<object> Stats() => await _statistics.ReadAsync(7, CancellationToken.None);

    private static void Seed(string database)
    {
        string[] guides = ["oat_milk_v1", "software_engineer_practice", "screening"];
        string[] types = ["PRACTICE", "INVITED"];
        var random = new Random(14);
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var session = connection.CreateCommand();
        session.CommandText =
            "INSERT INTO sessions (id, concept_id, interview_type, status, question_number, created_at, ended_at, element_coverage, orphan_ratio, search_key) VALUES ($id, $c, $t, $s, $q, $at, $end, $cov, $orph, $key)";
        using var message = connection.CreateCommand();
        message.CommandText = "INSERT INTO messages (session_key, seq, role, content, question_number, created_at) VALUES ($key, 0, 'interviewer', 'Hello', 0, $at)";
        for (var i = 0; i < Sessions; i++)
        {
            var created = Now.AddMinutes(-random.Next(60, 7 * 24 * 60 - 60));
            var roll = random.Next(100);
            var (status, ended, last) = roll switch
            {
                < 70 => ("completed", created.AddMinutes(random.Next(5, 40)), created),
                < 85 => ("ended", created.AddMinutes(random.Next(1, 20)), created),
                < 95 => ("active", (DateTimeOffset?)null, created),
                _ => ("active", null, Now.AddMinutes(-random.Next(0, 20))),
            };
            var id = Guid.CreateVersion7(created).ToString("N");
            Bind(session, ("$id", id), ("$c", guides[i % 3]), ("$t", types[i / 3 % 2]), ("$s", status), ("$q", random.Next(1, 12)),
                ("$at", created.ToUnixTimeMilliseconds()), ("$end", ended?.ToUnixTimeMilliseconds()),
                ("$cov", status == "completed" ? random.NextDouble() : null), ("$orph", status == "completed" ? random.NextDouble() / 2 : null), ("$key", i + 1));
            session.ExecuteNonQuery();
            Bind(message, ("$key", i + 1), ("$at", last.ToUnixTimeMilliseconds()));
            message.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

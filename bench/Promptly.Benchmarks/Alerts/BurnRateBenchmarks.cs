using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Promptly.Benchmarks.Analytics;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Alerts;

/// <summary>
/// The burn-rate evaluator's one read, every 30 s: counts per interview type over its five windows (5m, 30m, 1h, 6h,
/// 3d) when all of 1 million responses fall inside the 3-day window, the most it can have to count. The responses
/// (two types, 10% bad) are written once into a fresh database through the server's schema.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BurnRateBenchmarks
{
    private const int Responses = 1_000_000;
    private static readonly string[] Types = ["PRACTICE", "INVITED"];
    private static readonly TimeSpan[] Windows =
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(3)];

    private readonly DateTimeOffset _now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private string _folder = null!;
    private SqliteStore _store = null!;
    private DateTimeOffset[] _starts = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"promptly-alerts-bench-{Guid.NewGuid():N}");
        _store = ProductServices.OpenStore(_folder);
        _starts = [.. Windows.Select(w => _now - w)];
        using var connection = new SqliteConnection($"Data Source={new SqliteOptions { DataFolder = _folder }.DatabasePath}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText =
            "INSERT INTO latency_records (session_id, interview_type, concept_id, question_number, response_time_ms, ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, timestamp) " +
            "VALUES ('s', $type, 'c', 1, $ms, 0, '', 2000, 5000, $failed, $at)";
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var ms = insert.Parameters.Add("$ms", SqliteType.Real);
        var failed = insert.Parameters.Add("$failed", SqliteType.Integer);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var random = new Random(14);
        var span = (long)Windows[^1].TotalMilliseconds;
        for (var i = 0; i < Responses; i++)
        {
            type.Value = Types[i % 2];
            var bad = random.NextDouble() < 0.1;
            ms.Value = bad ? 2500 : 900;
            failed.Value = bad && i % 10 == 0 ? 1 : 0;
            at.Value = _now.ToUnixTimeMilliseconds() - span + span * i / Responses;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "Burn-rate counts, 5 windows x 2 types, 1M responses in 3 days")]
    public async Task<object> Counts() => await _store.CountResponsesAsync(Types, _starts, _now, CancellationToken.None);
}

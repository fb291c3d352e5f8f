using BenchmarkDotNet.Attributes;
using Promptly.Analytics;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// The analytics queries over the database <c>generate</c> wrote (10 million responses over 30 days by default), in
/// the folder named by <c>PROMPTLY_ANALYTICS_DATA</c> (default /tmp/promptly-analytics), with the clock fixed at the
/// moment of generation so the windows hold the same runs whatever day this runs. Target: each under 20 ms.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AnalyticsQueryBenchmarks
{
    private static readonly AnalyticsRequest Days30 = new(Days: 30);
    private SqliteStore _store = null!;
    private LatencyAnalytics _analytics = null!;
    private AnalyticsRequest _lastHour = null!;
    private AnalyticsRequest _fiveMinutes = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var folder = GeneratedData.Folder(null);
        var generated = GeneratedData.Read(folder);
        _store = ProductServices.OpenStore(folder);
        _analytics = ProductServices.Analytics(_store, generated.Clock);
        _now = generated.Now;
        // A whole hour holds about 14,000 runs: more than ExactRunLimit (2,000), so its hourly digests answer. Five
        // minutes of it hold about 1,200: few enough to be read exactly from raw rows.
        var hour = new DateTimeOffset(generated.Now.Year, generated.Now.Month, generated.Now.Day, generated.Now.Hour, 0, 0, TimeSpan.Zero).AddHours(-3);
        _lastHour = new AnalyticsRequest(From: hour, To: hour.AddHours(1));
        _fiveMinutes = new AnalyticsRequest(From: hour, To: hour.AddMinutes(5));
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _store.DisposeAsync();

    // Benchmarks return object: the reports are internal to the server, and returning them keeps the work from being optimised away.
    [Benchmark(Description = "Summary, days=30")]
    public async Task<object> Summary() => await _analytics.SummaryAsync(Days30, CancellationToken.None);

    [Benchmark(Description = "ByPhase, days=30")]
    public async Task<object> ByPhase() => await _analytics.ByPhaseAsync(Days30, CancellationToken.None);

    [Benchmark(Description = "Bottlenecks, days=30")]
    public async Task<object> Bottlenecks() => await _analytics.BottlenecksAsync(Days30, null, CancellationToken.None);

    [Benchmark(Description = "Trends, days=30, interval=day")]
    public async Task<object> TrendsByDay() => await _analytics.TrendsAsync(Days30, TrendInterval.Day, CancellationToken.None);

    [Benchmark(Description = "Trends, days=30, interval=hour")]
    public async Task<object> TrendsByHour() => await _analytics.TrendsAsync(Days30, TrendInterval.Hour, CancellationToken.None);

    [Benchmark(Description = "Recommendations, days=30")]
    public async Task<object> Recommendations() => await _analytics.RecommendationsAsync(Days30, CancellationToken.None);

    /// <summary>What <c>GET /api/latency/compliance?hours=720</c> reads.</summary>
    [Benchmark(Description = "Compliance, hours=720")]
    public async Task<object> Compliance() =>
        await _analytics.InterviewSlicesAsync(_now.AddHours(-720), _now.AddTicks(1), null, null, CancellationToken.None);

    [Benchmark(Description = "Summary, one hour (~14,000 runs, digest path)")]
    public async Task<object> SummaryHour() => await _analytics.SummaryAsync(_lastHour, CancellationToken.None);

    [Benchmark(Description = "Summary, five minutes (~1,200 runs, exact path)")]
    public async Task<object> SummaryExactFiveMinutes() => await _analytics.SummaryAsync(_fiveMinutes, CancellationToken.None);
}

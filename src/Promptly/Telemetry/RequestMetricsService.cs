using HdrHistogram;
using Promptly.Latency;

namespace Promptly.Telemetry;

/// <summary>Moves collected request metrics into storage and answers questions about them.</summary>
internal sealed class RequestMetricsService(RequestMetricsCollector collector, IRequestMetricsStore store, TimeProvider time)
{
    private readonly SemaphoreSlim _flushing = new(1, 1);

    // Drained but not yet stored: a failed save keeps them for the next flush.
    private readonly List<RequestMetricBucket> _pending = [];

    /// <summary>Stores what was collected since the last flush, stamped with the current minute.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
            _pending.AddRange(collector.Drain(minute));
            if (_pending.Count == 0) return;
            await store.SaveRequestMetricsAsync([.. _pending], cancellationToken);
            _pending.Clear();
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async Task<IReadOnlyList<RouteMetrics>> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var buckets = await store.RequestMetricsAsync(from, to, cancellationToken);
        return [.. buckets
            .GroupBy(b => (b.Method, b.Route))
            .Select(g =>
            {
                var merged = LatencyHistograms.Create();
                foreach (var bucket in g) merged.Add(bucket.Histogram);
                return new RouteMetrics(
                    g.Key.Method,
                    g.Key.Route,
                    merged.TotalCount,
                    Round(LatencyHistograms.ValueAtPercentileMs(merged, 50)),
                    Round(LatencyHistograms.ValueAtPercentileMs(merged, 95)),
                    Round(LatencyHistograms.ValueAtPercentileMs(merged, 99)),
                    Round(merged.GetMaxValue() / 1000.0),
                    g.GroupBy(b => b.StatusCode).OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(), s => s.Sum(b => b.Histogram.TotalCount)));
            })
            .OrderByDescending(r => r.Count)];
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}

/// <summary>Request figures of one route over a window (percentiles within 0.1% of exact: HdrHistogram, 3 digits).</summary>
internal sealed record RouteMetrics(string Method, string Route, long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, Dictionary<string, long> StatusCounts);

/// <summary>Flushes request metrics every few seconds and once more at shutdown.</summary>
internal sealed class RequestMetricsFlusher(RequestMetricsService metrics, ILogger<RequestMetricsFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushQuietlyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushQuietlyAsync(CancellationToken.None);
    }

    private async Task FlushQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await metrics.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Request metrics could not be stored; they are kept for the next flush");
        }
    }
}

namespace Promptly.Telemetry;

/// <summary>Request metrics, one HdrHistogram per minute, route, method and status.</summary>
internal interface IRequestMetricsStore
{
    /// <summary>Adds the buckets to what is stored (histograms of the same key are merged).</summary>
    Task SaveRequestMetricsAsync(IReadOnlyList<RequestMetricBucket> buckets, CancellationToken cancellationToken);

    Task<IReadOnlyList<RequestMetricBucket>> RequestMetricsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

using HdrHistogram;

namespace Promptly.Telemetry;

/// <summary>The durations of one minute's requests with one method, route template and status code.</summary>
internal sealed record RequestMetricBucket(DateTimeOffset Start, string Method, string Route, int StatusCode, HistogramBase Histogram);

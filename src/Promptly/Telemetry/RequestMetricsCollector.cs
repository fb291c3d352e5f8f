using System.Collections.Concurrent;
using HdrHistogram;
using Promptly.Latency;

namespace Promptly.Telemetry;

/// <summary>
/// Request durations per method, route template and status, kept in HdrHistogram recorders: recording is wait-free
/// and allocates nothing, and <see cref="Drain"/> takes each recorder's interval histogram without losing a sample
/// recorded meanwhile. Keys are route templates, never raw paths, and methods from a short list
/// (<see cref="RequestMetricsMiddleware"/>), so their number stays bounded.
/// </summary>
internal sealed class RequestMetricsCollector
{
    private readonly ConcurrentDictionary<RequestKey, Recorder> _recorders = new();

    public void Record(string method, string route, int statusCode, double ms)
    {
        var key = new RequestKey(method, route, statusCode);
        if (!_recorders.TryGetValue(key, out var recorder))
        {
            recorder = _recorders.GetOrAdd(key, static _ => LatencyHistograms.CreateRecorder());
        }

        var micros = (long)(ms * 1000);
        recorder.RecordValue(Math.Clamp(micros, 1, LatencyHistograms.HighestTrackableMicroseconds));
    }

    /// <summary>What was recorded since the last drain, as buckets stamped with <paramref name="bucketStart"/>.</summary>
    public List<RequestMetricBucket> Drain(DateTimeOffset bucketStart)
    {
        var buckets = new List<RequestMetricBucket>();
        foreach (var (key, recorder) in _recorders)
        {
            var interval = recorder.GetIntervalHistogram();
            if (interval.TotalCount > 0)
            {
                buckets.Add(new RequestMetricBucket(bucketStart, key.Method, key.Route, key.StatusCode, interval));
            }
        }

        return buckets;
    }

    private readonly record struct RequestKey(string Method, string Route, int StatusCode);
}

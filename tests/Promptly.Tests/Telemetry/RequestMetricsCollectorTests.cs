using Promptly.Latency;
using Promptly.Telemetry;

namespace Promptly.Tests.Telemetry;

public sealed class RequestMetricsCollectorTests
{
    [Fact]
    public async Task Record_FromManyThreadsAtOnce_EveryValueCountedAndTheBucketEncodes()
    {
        const int threads = 4, each = 100_000;
        var collector = new RequestMetricsCollector();

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < each; i++) collector.Record("GET", "/health", 200, 0.001 * (i % 5_000 + t));
        })));

        var bucket = Assert.Single(collector.Drain(DateTimeOffset.UnixEpoch));
        Assert.Equal(threads * each, bucket.Histogram.TotalCount);
        Assert.NotEmpty(LatencyHistograms.Encode(bucket.Histogram));
    }
}

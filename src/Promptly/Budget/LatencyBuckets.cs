using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Promptly.Observability;

namespace Promptly.Budget;

/// <summary>
/// Bucket boundaries of the response and phase histograms: a spread from 5 ms to a minute plus, exactly, every
/// threshold and severe limit configured at start (the default and each interview type's). A Prometheus bucket
/// <c>le</c> a threshold then counts the responses within it, so compliance read from Prometheus is exact, not
/// interpolated by <c>histogram_quantile</c>; Prometheus's native histograms would put boundaries on powers of a
/// fixed base, so a threshold would fall inside a bucket.
/// </summary>
internal static class LatencyBuckets
{
    private static readonly double[] Spread = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 30, 60];

    /// <summary>The boundaries, in seconds, for the budget <paramref name="options"/> configure.</summary>
    public static double[] Of(LatencyOptions options)
    {
        var limits = new List<double> { options.ThresholdMs, options.SevereMs };
        foreach (var type in options.InterviewTypes.Values)
        {
            if (type.ThresholdMs is { } threshold) limits.Add(threshold);
            if (type.SevereMs is { } severe) limits.Add(severe);
        }

        return [.. Spread.Concat(limits.Select(ms => ms / 1000)).Distinct().Order()];
    }

    /// <summary>Gives the response and phase histograms these boundaries in the exported metrics.</summary>
    public static IServiceCollection AddLatencyBuckets(this IServiceCollection services) =>
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var buckets = new ExplicitBucketHistogramConfiguration { Boundaries = Of(provider.GetRequiredService<IOptions<LatencyOptions>>().Value) };
            metrics.AddView(PromptlyInstruments.ResponseDuration, buckets).AddView(PromptlyInstruments.PhaseDuration, buckets);
        });
}

using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Promptly.Budget;
using Promptly.Latency;
using Promptly.Observability;
using Promptly.Telemetry;

namespace Promptly.Benchmarks;

/// <summary>
/// The cost of measuring: one latency sample into a histogram (the request metrics path), one timed phase, and a
/// whole tracked response with storage left out. Judged by Mean and Allocated.
/// </summary>
[MemoryDiagnoser]
public class LatencyRecordingBenchmarks
{
    private readonly RequestMetricsCollector _collector = new();
    private readonly LongHistogram _histogram = LatencyHistograms.Create();
    private ServiceProvider _metrics = null!;
    private LatencyBudget _budget = null!;
    private LatencyTracker _tracker = null!;
    private LatencySubject _subject = null!;
    private MeterProvider? _exporter;
    private double _ms = 1.234;

    /// <summary>
    /// Whether an OpenTelemetry meter provider listens, as in the server (with the budget's bucket boundaries): the
    /// instruments then record; without one they cost next to nothing.
    /// </summary>
    [Params(false, true)]
    public bool Exported { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        if (Exported)
        {
            var buckets = new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets.Of(new LatencyOptions()) };
            _exporter = Sdk.CreateMeterProviderBuilder().AddMeter(PromptlyInstruments.MeterName)
                .AddView(PromptlyInstruments.ResponseDuration, buckets).AddView(PromptlyInstruments.PhaseDuration, buckets).Build();
        }

        _budget = new LatencyBudget(new BudgetPolicy(new StaticMonitor()), new NullStore(), TimeProvider.System,
            new PromptlyInstruments(_metrics.GetRequiredService<IMeterFactory>()), NullLogger<LatencyBudget>.Instance);
        _subject = new LatencySubject("bench", "oat_milk_v1", "PRACTICE", null);
        _tracker = _budget.Start(_subject);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter?.Dispose();
        _metrics.Dispose();
    }

    [Benchmark(Description = "Histogram.RecordMs (one sample)")]
    public void RecordSample()
    {
        _ms = _ms > 5000 ? 1.234 : _ms * 1.01;
        LatencyHistograms.RecordMs(_histogram, _ms);
    }

    [Benchmark(Description = "RequestMetricsCollector.Record (one request)")]
    public void RecordRequest() => _collector.Record("POST", "/sessions/{id}/turns", 200, 1.5);

    [Benchmark(Description = "LatencyTracker.Phase (one timed phase)")]
    public void TimePhase()
    {
        using (_tracker.Phase(LatencyPhases.Ai))
        {
        }
    }

    [Benchmark(Description = "Whole tracked response, 4 phases, committed to a store that keeps nothing")]
    public async Task<LatencyRecord?> TrackResponse()
    {
        var tracker = _budget.Start(_subject);
        await using (tracker)
        {
            using (tracker.Phase(LatencyPhases.Load)) { }
            using (tracker.Phase(LatencyPhases.Extract)) { }
            using (tracker.Phase(LatencyPhases.Ai)) { }
            await tracker.CommitAsync(_budget.StoreAsync, CancellationToken.None);
        }

        return tracker.Record;
    }

    private sealed class StaticMonitor : IOptionsMonitor<LatencyOptions>
    {
        public LatencyOptions CurrentValue { get; } = new();

        public LatencyOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<LatencyOptions, string?> listener) => null;
    }

    private sealed class NullStore : ILatencyStore
    {
        public Task SaveLatencyAsync(Func<BudgetedLatency> entry, CancellationToken cancellationToken)
        {
            entry();
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

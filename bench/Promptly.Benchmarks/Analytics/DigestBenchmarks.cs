using BenchmarkDotNet.Attributes;
using Promptly.Analytics;
using Promptly.Latency;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// The histogram side of latency analytics: recording samples into a digest (target: at least 1 million phase
/// samples per second), the rollup's in-memory folding of a batch of runs as <see cref="LatencyRollup"/> does it, and
/// the merge, encode and decode a query does per stored digest.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DigestBenchmarks
{
    public const int Samples = 1_000_000;

    /// <summary>The rollup's batch (<see cref="AnalyticsOptions.RollupBatch"/>): about 1.4 hours of runs at 10 million a month.</summary>
    public const int BatchRuns = 20_000;

    /// <summary>One interview type's runs of one day at 10 million a month.</summary>
    private const int DayRuns = 166_000;

    private readonly LatencyDigest _digest = new();
    private readonly RollupAggregator _aggregator = new();
    private double[] _values = null!;
    private RunSample[] _batch = null!;
    private LatencyDigest _day = null!;
    private LatencyDigest _otherDay = null!;
    private byte[] _encodedDay = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        // Phase-like durations from 0.05 ms to tens of seconds: every part of the histogram is used.
        _values = [.. Enumerable.Range(0, Samples).Select(_ => LogNormal(random, 50, 2.0))];
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        _batch = [.. Enumerable.Range(0, BatchRuns).Select(i => Run(random, start.AddMilliseconds(i * 260.0)))];
        _day = Day(random);
        _otherDay = Day(random);
        _encodedDay = _day.EncodeHistogram();
    }

    [Benchmark(Description = "LatencyDigest.Record x 1,000,000 samples")]
    public long Record()
    {
        foreach (var value in _values) _digest.Record(value);
        return _digest.Count;
    }

    [Benchmark(Description = "RollupAggregator.Add x 20,000 runs (200,000 samples)")]
    public int Aggregate()
    {
        _aggregator.Clear();
        foreach (var run in _batch) _aggregator.Add(run);
        return _aggregator.Digests.Count;
    }

    [Benchmark(Description = "Merge two day digests (166,000 samples each)")]
    public long Merge()
    {
        var merged = new LatencyDigest();
        merged.Merge(_day);
        merged.Merge(_otherDay);
        return merged.Count;
    }

    [Benchmark(Description = "EncodeHistogram, day digest")]
    public byte[] Encode() => _day.EncodeHistogram();

    /// <summary>A stored histogram merged in (checked, kept encoded) and read: p50 and p95 straight from its bytes.</summary>
    [Benchmark(Description = "MergeHistogram + p50/p95, day digest")]
    public double[] MergeAndRead()
    {
        var digest = new LatencyDigest();
        digest.AddMoments(_day.Count, _day.Mean, _day.SquaredDeviations, _day.Min, _day.Max, _day.WithinBudget, _day.Failed);
        digest.MergeHistogram(_encodedDay);
        return digest.Percentiles(50, 95);
    }

    private static LatencyDigest Day(Random random)
    {
        var digest = new LatencyDigest();
        for (var i = 0; i < DayRuns; i++) digest.Record(Ai(random));
        return digest;
    }

    /// <summary>A run shaped like the generated responses: four phases, total just over their sum.</summary>
    private static RunSample Run(Random random, DateTimeOffset at)
    {
        PhaseTiming[] phases =
        [
            new(LatencyPhases.Load, LogNormal(random, 0.35, 0.6)),
            new(LatencyPhases.Ai, Ai(random)),
            new(LatencyPhases.Extract, LogNormal(random, 35, 0.5)),
            new(LatencyPhases.Persist, LogNormal(random, 1.5, 0.7)),
        ];
        var total = phases.Sum(p => p.Ms) + 0.1;
        var type = random.NextDouble() < 0.3 ? "INVITED" : "PRACTICE";
        return new RunSample(RunSample.InterviewSource, type, at, total, phases, total <= 2000, Failed: false);
    }

    private static double Ai(Random random)
    {
        var mode = random.NextDouble();
        return mode < 0.70 ? LogNormal(random, 700, 0.30) : mode < 0.97 ? LogNormal(random, 1250, 0.25) : LogNormal(random, 2600, 0.45);
    }

    private static double LogNormal(Random random, double median, double sigma)
    {
        var z = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * z);
    }
}

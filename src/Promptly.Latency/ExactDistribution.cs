namespace Promptly.Latency;

/// <summary>Every value, sorted: exact figures for small windows such as one session or the last minutes.</summary>
public sealed class ExactDistribution : LatencyDistribution
{
    private readonly double[] _sorted;
    private readonly double _sum;
    private readonly double _stdDev;

    public ExactDistribution(IEnumerable<double> values, long withinBudget = 0, long failed = 0)
    {
        _sorted = [.. values];
        Array.Sort(_sorted);
        WithinBudget = withinBudget;
        Failed = failed;
        if (_sorted.Length == 0) return;

        foreach (var value in _sorted) _sum += value;
        var mean = _sum / _sorted.Length;
        var squares = 0.0;
        foreach (var value in _sorted) squares += (value - mean) * (value - mean);
        _stdDev = Math.Sqrt(squares / _sorted.Length);
    }

    public override long Count => _sorted.Length;
    public override double Sum => _sum;
    public override double Mean => _sorted.Length == 0 ? 0 : _sum / _sorted.Length;
    public override double Min => _sorted.Length == 0 ? 0 : _sorted[0];
    public override double Max => _sorted.Length == 0 ? 0 : _sorted[^1];
    public override double StdDev => _stdDev;
    public override long WithinBudget { get; }
    public override long Failed { get; }

    protected override void OrderStatistics(ReadOnlySpan<long> ranks, Span<double> values)
    {
        for (var i = 0; i < ranks.Length; i++) values[i] = _sorted[ranks[i]];
    }

    protected override IEnumerable<(double Value, long Count)> Buckets() => _sorted.Select(v => (v, 1L));
}

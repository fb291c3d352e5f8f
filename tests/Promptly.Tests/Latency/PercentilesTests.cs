using Promptly.Budget;
using Promptly.Latency;

namespace Promptly.Tests.Latency;

/// <summary>
/// Expected values were computed outside this code base, with Python's
/// <c>statistics.quantiles(data, n=100, method="inclusive")</c> (the same linear interpolation as numpy's default).
/// </summary>
public sealed class PercentilesTests
{
    private static readonly double[] Hundred =
    [
        125.793, 476.868, 259.755, 405.806, 1530.478, 373.879, 287.397, 529.17, 233.184, 1506.418, 134.798, 1069.652, 736.52, 114.711,
        471.015, 350.894, 630.113, 439.713, 897.958, 369.395, 295.174, 385.52, 248.643, 70.368, 247.935, 398.716, 1639.736, 572.281,
        439.378, 618.86, 933.383, 381.237, 425.802, 1257.225, 671.172, 325.928, 443.573, 912.667, 180.599, 667.595, 505.318, 1562.216,
        432.802, 365.026, 172.11, 647.384, 155.732, 3864.521, 118.205, 109.179, 252.962, 250.82, 242.501, 262.554, 436.652, 439.349,
        481.139, 474.982, 839.995, 311.271, 196.532, 1064.262, 667.889, 504.909, 721.401, 356.47, 473.027, 1271.812, 448.029, 249.311,
        230.453, 302.948, 327.571, 256.298, 391.436, 313.693, 1201.644, 1435.679, 1063.29, 381.788, 888.831, 288.777, 176.968, 757.089,
        389.788, 208.623, 111.241, 446.938, 236.119, 452.267, 337.29, 311.046, 388.988, 246.145, 415.564, 503.616, 590.513, 413.236,
        995.655, 286.858,
    ];

    public static TheoryData<string, double[], double[], double, double> Golden => new()
    {
        // name, samples, expected p50/p90/p95/p99, expected mean, expected max
        { "one", [1234.5], [1234.5, 1234.5, 1234.5, 1234.5], 1234.5, 1234.5 },
        { "two", [180.0, 920.0], [550.0, 846.0, 883.0, 912.6], 550.0, 920.0 },
        { "five", [12.0, 5.5, 300.25, 41.0, 41.0], [41.0, 196.55, 248.4, 289.88], 79.95, 300.25 },
        {
            "ten", [821.697, 217.261, 211.991, 52.974, 445.708, 525.004, 3188.366, 175.228, 197.92, 41.326],
            [214.626, 1058.3639, 2123.36495, 2975.36579], 587.7475, 3188.366
        },
        { "hundred", Hundred, [409.521, 1064.801, 1439.21595, 1661.98385], 542.88021, 3864.521 },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Stats_MatchIndependentComputation(string name, double[] samples, double[] expected, double mean, double max)
    {
        var stats = new ExactDistribution(samples);
        var p = stats.Percentiles(50, 90, 95, 99);
        Assert.True(stats.Count == samples.Length, name);
        Assert.Equal(expected[0], p[0], 1e-6);
        Assert.Equal(expected[1], p[1], 1e-6);
        Assert.Equal(expected[2], p[2], 1e-6);
        Assert.Equal(expected[3], p[3], 1e-6);
        Assert.Equal(expected[1], Percentiles.OfSorted([.. samples.Order()], 90)!.Value, 1e-6);
        Assert.Equal(mean, stats.Mean, 1e-6);
        Assert.Equal(max, stats.Max);
    }

    [Fact]
    public void Stats_NoSamples_NoFigures()
    {
        var report = ComplianceReport.Of([], 0.9, "Session latency");
        Assert.Equal(0, report.TotalResponses);
        Assert.Null(report.P50);
        Assert.Null(report.P99);
        Assert.Null(report.Mean);
        Assert.Null(report.Max);
        Assert.Null(Percentiles.OfSorted([], 50));
    }

    [Fact]
    public void Percentile_NeverBeyondLargestValue()
    {
        double[] sorted = [0.1, 0.2, 0.30000000000000004, 1e-300, double.MaxValue];
        Array.Sort(sorted);
        foreach (var q in new[] { 0.0, 33.3, 50, 99.999, 100 })
        {
            var p = Percentiles.OfSorted(sorted, q)!.Value;
            Assert.InRange(p, sorted[0], sorted[^1]);
        }

        Assert.Equal(double.MaxValue, Percentiles.OfSorted(sorted, 100));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Percentile_OutsideZeroToHundred_Throws(double q) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.OfSorted([1.0, 2.0], q));

    [Fact]
    public void ComplianceReport_FailedNeverWithinBudget_MessageAsDocumented()
    {
        var samples = Enumerable.Range(0, 12).Select(i => (100.0 + i, true)).Append((150.0, false)).ToList();
        var report = ComplianceReport.Of(samples, 0.9, "Session latency");
        Assert.Equal(13, report.TotalResponses);
        Assert.Equal(12, report.WithinBudget);
        Assert.Equal(1, report.ExceededBudget);
        Assert.True(report.MeetsTarget);
        Assert.Equal("Session latency: 92.3% within budget (12/13 responses). Target: 90%. Status: ✓ PASS", report.Message);

        var failing = ComplianceReport.Of([(10.0, true), (20.0, false)], 0.9, "Session latency");
        Assert.False(failing.MeetsTarget);
        Assert.EndsWith("Status: ✗ FAIL", failing.Message);
    }
}

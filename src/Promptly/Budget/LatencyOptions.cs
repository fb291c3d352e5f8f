using System.ComponentModel.DataAnnotations;

namespace Promptly.Budget;

/// <summary>The latency budget. Bound from the <c>Latency</c> section (env: <c>Latency__ThresholdMs=3000</c>).</summary>
internal sealed class LatencyOptions
{
    public const string Section = "Latency";

    /// <summary>A response is over budget when its time is strictly greater than this. Default 2000 ms.</summary>
    [Range(1, 600_000)]
    public double ThresholdMs { get; set; } = 2000;

    /// <summary>Over this a response is a severe violation: ERROR log and a stored <c>LatencyViolation</c>. Default 5000 ms.</summary>
    [Range(1, 600_000)]
    public double SevereMs { get; set; } = 5000;

    /// <summary>Share of responses that must be within budget for a PASS. Default 0.90.</summary>
    [Range(0.0, 1.0)]
    public double TargetCompliance { get; set; } = 0.90;

    /// <summary>
    /// Per interview type overrides (<c>Latency:InterviewTypes:INVITED:ThresholdMs=1500</c>). Re-read when the
    /// configuration file changes; <c>PUT /api/latency/budget/{type}</c> overrides these at run time.
    /// </summary>
    public Dictionary<string, BudgetOverride> InterviewTypes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Seconds between re-reads of the stored run-time overrides: one set through another instance on the same database
    /// is in force here at most this long after it was stored. Default 5.
    /// </summary>
    [Range(1, 3600)]
    public int OverrideRefreshSeconds { get; set; } = 5;
}

/// <summary>Thresholds for one interview type; a null leaves the default in force.</summary>
internal sealed class BudgetOverride
{
    [Range(1, 600_000)]
    public double? ThresholdMs { get; set; }

    [Range(1, 600_000)]
    public double? SevereMs { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace Promptly.Analytics;

/// <summary>Latency analytics. Bound from the <c>Analytics</c> section (env: <c>Analytics__RawRetentionDays=14</c>).</summary>
internal sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Days raw runs (latency records and ingested events) are kept once rolled up. Default 30.</summary>
    [Range(1, 3650)]
    public int RawRetentionDays { get; set; } = 30;

    /// <summary>Days hourly and daily digests are kept, so long-range trends outlive the raw rows. Default 400.</summary>
    [Range(1, 3650)]
    public int DigestRetentionDays { get; set; } = 400;

    /// <summary>How often new raw runs are folded into the stored digests. Default 1000 ms.</summary>
    [Range(10, 600_000)]
    public int RollupIntervalMs { get; set; } = 1000;

    /// <summary>Raw runs folded per rollup transaction. Default 20000.</summary>
    [Range(1, 1_000_000)]
    public int RollupBatch { get; set; } = 20_000;

    /// <summary>Windows holding at most this many runs (and still within raw retention) are answered exactly from raw rows. Default 2000: reading a run back costs about 4 µs, so such a window still answers in under 10 ms.</summary>
    [Range(0, 1_000_000)]
    public int ExactRunLimit { get; set; } = 2_000;

    /// <summary>Most events one <c>POST /api/latency/events</c> takes. Default 10000.</summary>
    [Range(1, 100_000)]
    public int MaxEventsPerBatch { get; set; } = 10_000;

    /// <summary>Largest ingest body in bytes. Default 8 MiB.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxEventsBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How far ahead of the server's clock an event's timestamp may be (clock skew). Default 300 s.</summary>
    [Range(0, 86_400)]
    public int MaxFutureSkewSeconds { get; set; } = 300;
}

using System.Globalization;

namespace Promptly.Load;

/// <summary>How the load tables write figures, in the terminal and in Markdown alike.</summary>
internal static class LoadFigures
{
    /// <summary>Milliseconds with as many decimals as still say something: 0.42, 12.3, 1,234.</summary>
    public static string Ms(double ms) => ms switch
    {
        < 10 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => ms.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ms.ToString("#,0", CultureInfo.InvariantCulture),
    };

    public static string Rate(double rate) => rate.ToString(rate < 100 ? "#,0.0" : "#,0", CultureInfo.InvariantCulture);

    /// <summary>"0", or the count and its kinds, most frequent first: "12 (HTTP 500 ×10, timeout ×2)".</summary>
    public static string Errors(long count, IReadOnlyDictionary<string, long> kinds) => count == 0
        ? "0"
        : $"{Counts.Format(count)} ({string.Join(", ", kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} ×{Counts.Format(k.Value)}"))})";

    public static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Progress(ProgressLine p) =>
        $"{p.Phase} {p.Elapsed.TotalSeconds,4:0}/{p.Duration.TotalSeconds:0}s  {Rate(p.Rate),7}/s  p50 {Ms(p.P50Ms)}  p95 {Ms(p.P95Ms)}  p99 {Ms(p.P99Ms)} ms" +
        $"  errors {Counts.Format(p.Errors)}  in flight {p.InFlight}";
}

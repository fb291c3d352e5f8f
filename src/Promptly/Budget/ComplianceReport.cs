using System.Globalization;

namespace Promptly.Budget;

/// <summary>How a set of responses did against the budget; percentiles are exact (see <see cref="Percentiles"/>).</summary>
public sealed record ComplianceReport(
    int TotalResponses,
    int WithinBudget,
    int ExceededBudget,
    double? BudgetComplianceRate,
    double TargetCompliance,
    bool MeetsTarget,
    double? P50,
    double? P90,
    double? P95,
    double? P99,
    double? Mean,
    double? Max,
    string Message)
{
    /// <summary>
    /// <paramref name="samples"/>: each response's time and whether it was within budget (failed responses never are).
    /// <paramref name="label"/> opens the message, e.g. "Session latency".
    /// </summary>
    public static ComplianceReport Of(IReadOnlyCollection<(double ResponseTimeMs, bool WithinBudget)> samples, double target, string label)
    {
        var total = samples.Count;
        var within = samples.Count(s => s.WithinBudget);
        var stats = LatencyStats.Of(samples.Select(s => s.ResponseTimeMs));
        double? rate = total == 0 ? null : (double)within / total;
        var meets = rate >= target;
        var targetText = (target * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var message = rate is { } r
            ? $"{label}: {(r * 100).ToString("0.0", CultureInfo.InvariantCulture)}% within budget ({within}/{total} responses). Target: {targetText}%. Status: {(meets ? "✓ PASS" : "✗ FAIL")}"
            : $"{label}: no responses yet. Target: {targetText}%.";
        return new ComplianceReport(total, within, total - within, rate is { } x ? Math.Round(x, 4) : null, target, meets,
            Ms(stats.P50), Ms(stats.P90), Ms(stats.P95), Ms(stats.P99), Ms(stats.Mean), Ms(stats.Max), message);
    }

    private static double? Ms(double? value) => value is { } v ? Math.Round(v, 3) : null;
}

/// <summary><c>GET /api/latency/compliance</c>: the window's figures overall and per interview type.</summary>
public sealed record WindowCompliance(
    DateTimeOffset From,
    DateTimeOffset To,
    string? InterviewType,
    ComplianceReport Overall,
    Dictionary<string, ComplianceReport> ByInterviewType);

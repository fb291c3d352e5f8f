using System.Globalization;
using Promptly.Latency;

namespace Promptly.Budget;

/// <summary>
/// How a set of responses did against the budget. Counts and compliance are exact; percentiles are exact for an
/// <see cref="ExactDistribution"/> and within 0.39% for a <see cref="LatencyDigest"/>.
/// </summary>
internal sealed record ComplianceReport(
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
    public static ComplianceReport Of(IReadOnlyCollection<(double ResponseTimeMs, bool WithinBudget)> samples, double target, string label) =>
        Of(new ExactDistribution(samples.Select(s => s.ResponseTimeMs), samples.Count(s => s.WithinBudget)), target, label);

    public static ComplianceReport Of(LatencyDistribution responses, double target, string label)
    {
        var total = (int)responses.Count;
        var within = (int)responses.WithinBudget;
        double? rate = total == 0 ? null : (double)within / total;
        var meets = rate >= target;
        var targetText = (target * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var message = rate is { } r
            ? $"{label}: {(r * 100).ToString("0.0", CultureInfo.InvariantCulture)}% within budget ({within}/{total} responses). Target: {targetText}%. Status: {(meets ? "✓ PASS" : "✗ FAIL")}"
            : $"{label}: no responses yet. Target: {targetText}%.";
        if (total == 0) return new ComplianceReport(0, 0, 0, null, target, false, null, null, null, null, null, null, message);
        var p = responses.Percentiles(50, 90, 95, 99);
        return new ComplianceReport(total, within, total - within, rate is { } x ? Math.Round(x, 4) : null, target, meets,
            Ms(p[0]), Ms(p[1]), Ms(p[2]), Ms(p[3]), Ms(responses.Mean), Ms(responses.Max), message);
    }

    private static double? Ms(double? value) => value is { } v ? Math.Round(v, 3) : null;
}

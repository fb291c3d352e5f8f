using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Promptly.Latency;

namespace Promptly.Budget;

/// <summary>
/// Resolves the thresholds for an interview type: a run-time override (set over the API) wins over the
/// configuration's per-type override, which wins over the defaults. Configuration is read through
/// <see cref="IOptionsMonitor{TOptions}"/>, so an edited settings file applies without a restart.
/// </summary>
/// <remarks>
/// Thread-safe; run-time overrides live in a concurrent map and are persisted by the caller. Instances sharing a
/// database take each other's overrides from it (<see cref="BudgetOverrideRefresh"/>).
/// </remarks>
internal sealed class BudgetPolicy(IOptionsMonitor<LatencyOptions> options)
{
    private readonly ConcurrentDictionary<string, BudgetOverride> _runtime = new(StringComparer.OrdinalIgnoreCase);

    public LatencyOptions Options => options.CurrentValue;

    public double TargetCompliance => options.CurrentValue.TargetCompliance;

    public BudgetThresholds For(string interviewType, double? thresholdOverrideMs = null)
    {
        var current = options.CurrentValue;
        var threshold = current.ThresholdMs;
        var severe = current.SevereMs;
        if (current.InterviewTypes.TryGetValue(interviewType, out var configured))
        {
            threshold = configured.ThresholdMs ?? threshold;
            severe = configured.SevereMs ?? severe;
        }

        if (_runtime.TryGetValue(interviewType, out var runtime))
        {
            threshold = runtime.ThresholdMs ?? threshold;
            severe = runtime.SevereMs ?? severe;
        }

        return new BudgetThresholds(thresholdOverrideMs ?? threshold, severe);
    }

    public IReadOnlyDictionary<string, BudgetOverride> RuntimeOverrides => _runtime;

    public void SetOverride(string interviewType, BudgetOverride value) => _runtime[interviewType] = value;

    public bool RemoveOverride(string interviewType) => _runtime.TryRemove(interviewType, out _);

    /// <summary>Puts exactly the stored overrides in force: those set, changed or removed through another instance included.</summary>
    public void ReplaceOverrides(IReadOnlyDictionary<string, BudgetOverride> stored)
    {
        foreach (var type in _runtime.Keys.Where(t => !stored.ContainsKey(t)))
        {
            _runtime.TryRemove(type, out _);
        }

        foreach (var (type, value) in stored)
        {
            _runtime[type] = value;
        }
    }
}

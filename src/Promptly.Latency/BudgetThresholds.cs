namespace Promptly.Latency;

/// <summary>The thresholds in force for one response: over <see cref="ThresholdMs"/> is over budget, over <see cref="SevereMs"/> a severe violation.</summary>
public readonly record struct BudgetThresholds(double ThresholdMs, double SevereMs);

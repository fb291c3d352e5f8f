using Promptly.Latency;

namespace Promptly.Budget;

/// <summary>Latency records (with the error-log entries of severe violations) and run-time budget overrides.</summary>
internal interface ILatencyStore
{
    /// <summary>Stores a record durably with its violation entry, if any; <paramref name="entry"/> is called inside the transaction.</summary>
    Task SaveLatencyAsync(Func<BudgetedLatency> entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The slowest responses in [from, to), slowest first.</summary>
    Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken);
}

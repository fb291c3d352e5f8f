using Promptly.Budget;
using Promptly.Errors;
using Promptly.Telemetry;

namespace Promptly.Storage;

/// <summary>Latency records, the error log, request metrics and run-time budget overrides.</summary>
public interface ILatencyStore
{
    /// <summary>Stores a record durably, with its error-log entry when it is a severe violation.</summary>
    Task SaveLatencyAsync(LatencyRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The slowest responses in [from, to), slowest first.</summary>
    Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<ErrorLogEntry>> ErrorsAsync(string? type, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>Adds the buckets to what is stored (histograms of the same key are merged).</summary>
    Task SaveRequestMetricsAsync(IReadOnlyList<RequestMetricBucket> buckets, CancellationToken cancellationToken);

    Task<IReadOnlyList<RequestMetricBucket>> RequestMetricsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken);
}

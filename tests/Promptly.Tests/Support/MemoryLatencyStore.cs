using Promptly.Budget;
using Promptly.Errors;
using Promptly.Latency;

namespace Promptly.Tests.Support;

/// <summary>An <see cref="ILatencyStore"/> that keeps what it is given, for unit tests of the budget.</summary>
internal sealed class MemoryLatencyStore : ILatencyStore
{
    public List<LatencyRecord> Records { get; } = [];
    public List<ErrorLogEntry> Errors { get; } = [];

    /// <summary>When set, saving fails with this.</summary>
    public Exception? FailWith { get; set; }

    public Task SaveLatencyAsync(Func<BudgetedLatency> entry, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        var (record, violation) = entry();
        Records.Add(record);
        if (violation is not null) Errors.Add(violation);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LatencyRecord>>([.. Records.Where(r => r.SessionId == sessionId)]);

    public Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LatencyRecord>>([.. Records.OrderByDescending(r => r.ResponseTimeMs).Take(limit)]);

    public Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, BudgetOverride>>(new Dictionary<string, BudgetOverride>());
}

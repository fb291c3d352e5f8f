using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Storage.Sqlite;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// The product's own analytics services, built by hand the way the server's container builds them, with default
/// options except the one budget override the generated data uses.
/// </summary>
internal static class ProductServices
{
    /// <summary>The budget of the generated data: 2000 ms, and 2500 ms for INVITED interviews.</summary>
    public const double InvitedThresholdMs = 2500;

    /// <summary>The server's store, which creates or migrates the schema when it opens the file.</summary>
    public static SqliteStore OpenStore(string folder) =>
        new(Options.Create(new SqliteOptions { DataFolder = folder }), NullLogger<SqliteStore>.Instance);

    public static LatencyOptions Budget() => new()
    {
        InterviewTypes = { ["INVITED"] = new BudgetOverride { ThresholdMs = InvitedThresholdMs } },
    };

    public static LatencyAnalytics Analytics(SqliteStore store, TimeProvider clock) =>
        new(store, new BudgetPolicy(new StaticMonitor(Budget())), Options.Create(new AnalyticsOptions()), clock);

    public static LatencyRollup Rollup(SqliteStore store, TimeProvider clock) =>
        new(store, Options.Create(new AnalyticsOptions()), clock, NullLogger<LatencyRollup>.Instance);

    private sealed class StaticMonitor(LatencyOptions value) : IOptionsMonitor<LatencyOptions>
    {
        public LatencyOptions CurrentValue => value;

        public LatencyOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LatencyOptions, string?> listener) => null;
    }
}

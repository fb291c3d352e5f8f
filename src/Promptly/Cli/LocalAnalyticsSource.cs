using Microsoft.Extensions.Options;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Storage.Providers;
using Promptly.Storage.Sqlite;
using Promptly.Load;

namespace Promptly.Cli;

/// <summary>
/// Reads the local database through the server's own registrations, in a host that is built but never started:
/// the rollup does not run (the analytics already count the runs it has not folded yet), nothing listens. The
/// database is opened read-only and must have this build's schema.
/// </summary>
internal sealed class LocalAnalyticsSource(IHost host, LatencyAnalytics analytics, InterviewStatistics interviews) : IAnalyticsSource
{
    /// <summary>Opens the database in <paramref name="dataFolder"/>, or in the configured <c>Storage:DataFolder</c> when null.</summary>
    /// <exception cref="CommandException">No database there (it is never created by a read).</exception>
    public static async Task<LocalAnalyticsSource> OpenAsync(string? dataFolder, CancellationToken cancellationToken)
    {
        // The server's configuration sources (appsettings, environment variables such as Storage__DataFolder), and
        // its environment name, which ASP.NET Core takes from ASPNETCORE_ENVIRONMENT first.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"),
        });
        if (dataFolder is not null)
        {
            builder.Configuration.AddInMemoryCollection([new($"{SqliteOptions.Section}:{nameof(SqliteOptions.DataFolder)}", dataFolder)]);
        }
        else if (builder.Configuration["Storage:Provider"] is { } provider && provider.Trim().Equals(StorageRegistration.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            // A local read opens SQLite read-only; it would find no database, or an old one, where PostgreSQL holds the data.
            throw CommandException.Usage(
                "The server stores its data in PostgreSQL (Storage:Provider=postgres); promptly analyze reads a local SQLite database only: ask a running server with --server URL.");
        }

        // Log lines would mix with the report on stdout; failures reach the user as one line each.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSqliteStorage();

        // Read-only: a report never writes, creates or migrates the server's database (an older schema is refused).
        builder.Services.PostConfigure<SqliteOptions>(storage => storage.ReadOnly = true);
        builder.AddLatencyBudget();
        builder.AddLatencyAnalytics();
        // The server's abandon time (Interviews:AbandonAfterMinutes), so both count an idle interview the same way.
        builder.Services.AddOptions<InterviewOptions>().BindConfiguration(InterviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<InterviewStatistics>();
        var host = builder.Build();
        try
        {
            // The store creates a missing database; a read must not, or a wrong folder would look like "no runs".
            var database = host.Services.GetRequiredService<IOptions<SqliteOptions>>().Value.DatabasePath;
            if (!File.Exists(database))
            {
                throw CommandException.Unavailable(
                    $"There is no Promptly database at {database}; give --data-folder, or set Storage__DataFolder, to the server's data folder.");
            }

            await StartBudgetOverridesAsync(host.Services, cancellationToken);
            return new LocalAnalyticsSource(host, host.Services.GetRequiredService<LatencyAnalytics>(), host.Services.GetRequiredService<InterviewStatistics>());
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }
    }

    // Thresholds changed over the API are stored; the server puts them in force at start, and so must a read that
    // reports against them. Only this hosted service runs: it loads and returns.
    private static async Task StartBudgetOverridesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        foreach (var loader in services.GetServices<IHostedService>().OfType<BudgetOverrideLoader>())
        {
            await loader.StartAsync(cancellationToken);
        }
    }

    public Task<LatencySummary> SummaryAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        analytics.SummaryAsync(request, cancellationToken);

    /// <summary>One read of the window serves the three: they describe the same runs.</summary>
    public Task<LatencyOverview> OverviewAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken) =>
        analytics.OverviewAsync(request, thresholdMs, cancellationToken);

    public Task<PhaseBreakdown> ByPhaseAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        analytics.ByPhaseAsync(request, cancellationToken);

    public Task<BottleneckReport> BottlenecksAsync(AnalyticsRequest request, double? thresholdMs, CancellationToken cancellationToken) =>
        analytics.BottlenecksAsync(request, thresholdMs, cancellationToken);

    public Task<TrendReport> TrendsAsync(AnalyticsRequest request, TrendInterval interval, CancellationToken cancellationToken) =>
        analytics.TrendsAsync(request, interval, cancellationToken);

    public Task<RecommendationReport> RecommendationsAsync(AnalyticsRequest request, CancellationToken cancellationToken) =>
        analytics.RecommendationsAsync(request, cancellationToken);

    public Task<InterviewStatsReport> InterviewsAsync(int days, CancellationToken cancellationToken) => interviews.ReadAsync(days, cancellationToken);

    public ValueTask DisposeAsync() => DisposeHostAsync(host);

    // The store is only asynchronously disposable (it drains its writer), so the host must be disposed that way.
    private static async ValueTask DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
    }
}

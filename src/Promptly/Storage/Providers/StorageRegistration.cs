using Promptly.Alerts;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage.Postgres;
using Promptly.Storage.Sqlite;
using Promptly.Telemetry;

namespace Promptly.Storage.Providers;

/// <summary>Registers the store that configuration names; the only place that knows both stores.</summary>
internal static class StorageRegistration
{
    /// <summary>The providers <c>Storage:Provider</c> may name.</summary>
    public const string Sqlite = "sqlite", Postgres = "postgres";

    /// <summary>
    /// The store <c>Storage:Provider</c> names: the embedded SQLite file (the default) or PostgreSQL; either is
    /// registered as every store interface the features own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider is neither, so the server stops at its start saying so.</exception>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration["Storage:Provider"];
        return provider?.Trim().ToLowerInvariant() switch
        {
            null or "" or Sqlite => builder.AddSqliteStorage(),
            Postgres => builder.AddPostgresStorage(),
            _ => throw new InvalidOperationException($"Storage:Provider is '{provider}': use '{Sqlite}' (the default, one embedded file) or '{Postgres}' (with Storage:ConnectionString)."),
        };
    }

    /// <summary>The embedded SQLite store, registered as every store interface the features own.</summary>
    public static IHostApplicationBuilder AddSqliteStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteOptions>().BindConfiguration(SqliteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreInterfaces<SqliteStore>();
        builder.Services.AddHostedService<TranscriptIndexer>();
        return builder;
    }

    /// <summary>The PostgreSQL store, registered as every store interface the features own.</summary>
    public static IHostApplicationBuilder AddPostgresStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PostgresOptions>().BindConfiguration(PostgresOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreInterfaces<PostgresStore>();
        return builder;
    }

    /// <summary>Registers <typeparamref name="TStore"/> (a singleton) as every store interface.</summary>
    private static void AddStoreInterfaces<TStore>(this IServiceCollection services)
        where TStore : class, IInterviewStore, IInterviewStatsStore, ISessionListStore, IInvitationStore, ILatencyStore, IErrorStore, IRequestMetricsStore,
            IHealthProbe, IAnalyticsStore, ITurnRecordingStore, IAlertStore
    {
        services.AddSingleton<TStore>();
        services.AddSingleton<IInterviewStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IInterviewStatsStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ISessionListStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IInvitationStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ILatencyStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IErrorStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IRequestMetricsStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAnalyticsStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ITurnRecordingStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<TStore>());
    }
}

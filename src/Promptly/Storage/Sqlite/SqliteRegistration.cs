using Promptly.Alerts;
using Promptly.Analytics;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Telemetry;

namespace Promptly.Storage.Sqlite;

internal static class SqliteRegistration
{
    /// <summary>The embedded SQLite store, registered as every store interface the features own; a PostgreSQL store will register the same.</summary>
    public static IHostApplicationBuilder AddSqliteStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteOptions>().BindConfiguration(SqliteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SqliteStore>();
        builder.Services.AddSingleton<IInterviewStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IInterviewStatsStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<ISessionListStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IInvitationStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<ILatencyStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IErrorStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IRequestMetricsStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IAnalyticsStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<ITurnRecordingStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddHostedService<TranscriptIndexMerge>();
        return builder;
    }
}

using Promptly.Storage.Sqlite;

namespace Promptly.Storage;

public static class StorageRegistration
{
    /// <summary>The embedded SQLite store; a PostgreSQL store will register the same three interfaces.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteOptions>().BindConfiguration(SqliteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SqliteStore>();
        builder.Services.AddSingleton<IInterviewStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<ILatencyStore>(sp => sp.GetRequiredService<SqliteStore>());
        builder.Services.AddSingleton<IAnalyticsStore>(sp => sp.GetRequiredService<SqliteStore>());
        return builder;
    }
}

using Promptly.Http;

namespace Promptly.Analytics;

internal static class AnalyticsRegistration
{
    public static IHostApplicationBuilder AddLatencyAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LatencyAnalytics>();
        builder.Services.AddSingleton<LatencyRollup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LatencyRollup>());
        builder.Services.AddJsonContext(AnalyticsJson.Default);
        return builder;
    }
}

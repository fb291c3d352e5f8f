using Promptly.Http;

namespace Promptly.Alerts;

internal static class AlertsRegistration
{
    /// <summary>The evaluator, the alert board and the webhook; the store registers <see cref="IAlertStore"/>.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertBoard>();
        builder.Services.AddHttpClient(AlertWebhook.HttpClientName);
        builder.Services.AddSingleton<AlertWebhook>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertWebhook>());
        builder.Services.AddHostedService<BurnRateEvaluator>();
        builder.Services.AddJsonContext(AlertsJson.Default);
        return builder;
    }
}

using Promptly.Http;

namespace Promptly.Budget;

internal static class BudgetRegistration
{
    public static IHostApplicationBuilder AddLatencyBudget(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LatencyOptions>().BindConfiguration(LatencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BudgetPolicy>();
        builder.Services.AddSingleton<LatencyBudget>();
        builder.Services.AddLatencyBuckets();
        builder.Services.AddHostedService<BudgetOverrideLoader>();
        builder.Services.AddHostedService<BudgetOverrideRefresh>();
        builder.Services.AddJsonContext(BudgetJson.Default);
        return builder;
    }
}

/// <summary>Puts the run-time overrides stored by an earlier run back in force before requests are served.</summary>
internal sealed class BudgetOverrideLoader(BudgetPolicy policy, ILatencyStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => policy.ReplaceOverrides(await store.BudgetOverridesAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

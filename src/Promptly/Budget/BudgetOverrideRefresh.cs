using Microsoft.Extensions.Options;

namespace Promptly.Budget;

/// <summary>
/// Re-reads the stored run-time overrides every <see cref="LatencyOptions.OverrideRefreshSeconds"/>, so that an override
/// set or removed through another instance on the same database is in force here within that time.
/// </summary>
/// <remarks>
/// A periodic re-read rather than PostgreSQL's LISTEN/NOTIFY: overrides are changed by hand and rarely, the read is of a
/// table of at most one row per interview type, and a few seconds' delay changes no more than the verdicts of the
/// responses in between. The re-read needs no connection held open per instance, nothing to reconnect after the
/// database restarts, and works alike on both stores. A re-read that started before this instance stored a change of
/// its own may put the previous value back until the next one: the bound holds for the instance that took the change too.
/// </remarks>
internal sealed partial class BudgetOverrideRefresh(
    BudgetPolicy policy, ILatencyStore store, IOptions<LatencyOptions> options, TimeProvider time, ILogger<BudgetOverrideRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.OverrideRefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    policy.ReplaceOverrides(await store.BudgetOverridesAsync(stoppingToken));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The overrides in force stay; the next tick reads again.
                    LogFailed(e, options.Value.OverrideRefreshSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored budget overrides failed; the next read is in {Seconds} s")]
    private partial void LogFailed(Exception e, int seconds);
}

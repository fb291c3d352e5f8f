using Microsoft.Extensions.Options;
using Promptly.Hosting;

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
    BudgetPolicy policy, ILatencyStore store, IOptions<LatencyOptions> options, TimeProvider time, ILogger<BudgetOverrideRefresh> logger) : PeriodicService(time)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(options.Value.OverrideRefreshSeconds);

    protected override async Task RunPassAsync(CancellationToken cancellationToken) =>
        policy.ReplaceOverrides(await store.BudgetOverridesAsync(cancellationToken));

    // The overrides in force stay; the next tick reads again.
    protected override void OnPassFailed(Exception e) => LogFailed(e, options.Value.OverrideRefreshSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored budget overrides failed; the next read is in {Seconds} s")]
    private partial void LogFailed(Exception e, int seconds);
}

using Microsoft.Extensions.Options;
using Promptly.Budget;

namespace Promptly.Alerts;

/// <summary>
/// Evaluates the burn-rate rules every <see cref="AlertsOptions.EvaluationSeconds"/> from the stored responses (one
/// read for every window and interview type), updates the <see cref="AlertBoard"/>, and logs and sends each change.
/// </summary>
/// <remarks>
/// Every instance on a database evaluates, from the same stored responses; a change is logged and sent by the one
/// instance whose evaluation stored it (<see cref="IAlertStore.RecordAlertStatesAsync"/>), so the webhook hears it once
/// however many instances there are, and not again after a restart.
/// </remarks>
internal sealed partial class BurnRateEvaluator(
    IAlertStore store,
    AlertBoard board,
    AlertWebhook webhook,
    BudgetPolicy policy,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<BurnRateEvaluator> logger) : BackgroundService
{
    private readonly IReadOnlyList<AlertRule> _rules = AlertRule.From(options.Value);

    /// <summary>Each distinct window once, so the store reads it once however many rules share it.</summary>
    private readonly TimeSpan[] _windows = [.. AlertRule.From(options.Value).SelectMany(r => new[] { r.LongWindow, r.ShortWindow }).Distinct().Order()];

    /// <summary>Reads the counts once and decides every rule for every interview type.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var target = policy.TargetCompliance;
        var errorBudget = 1 - target;
        var counts = await store.CountResponsesAsync(InterviewTypes.All, [.. _windows.Select(w => now - w)], now, cancellationToken);
        var decided = new List<(AlertRule Rule, string Type, bool Firing, WindowFigures Long, WindowFigures Short)>();
        foreach (var type in InterviewTypes.All)
        {
            var windows = counts.GetValueOrDefault(type) ?? new ResponseCounts[_windows.Length];
            foreach (var rule in _rules)
            {
                var longWindow = Figures(rule.LongWindow, windows[Array.IndexOf(_windows, rule.LongWindow)], errorBudget);
                var shortWindow = Figures(rule.ShortWindow, windows[Array.IndexOf(_windows, rule.ShortWindow)], errorBudget);
                var firing = longWindow.Responses >= options.Value.MinimumResponses
                    && longWindow.BurnRate >= rule.BurnRate && shortWindow.BurnRate >= rule.BurnRate;
                board.Update(rule, type, firing, longWindow, shortWindow, now);
                decided.Add((rule, type, firing, longWindow, shortWindow));
            }
        }

        // Every decision, changed here or not: this instance may be the first to see another's firing alert resolve, or
        // one that its board missed while the store was unreachable.
        var changed = await store.RecordAlertStatesAsync([.. decided.Select(d => new AlertDecision(d.Rule.Name, d.Type, d.Firing))], now, cancellationToken);
        for (var i = 0; i < decided.Count; i++)
        {
            if (changed[i] is not { } since) continue;
            var (rule, type, firing, longWindow, shortWindow) = decided[i];
            Announce(new Alert(rule.Alert, rule.Name, rule.Severity, type, firing ? AlertStates.Firing : AlertStates.Resolved, rule.BurnRate,
                longWindow, shortWindow, firing ? now : since, firing ? null : now));
        }

        board.Evaluated(now, target);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var errorBudget = 1 - policy.TargetCompliance;
        foreach (var rule in _rules.Where(r => r.BurnRate * errorBudget > 1))
        {
            LogUnreachable(rule.Name, rule.BurnRate, policy.TargetCompliance, 1 / errorBudget);
        }

        var interval = TimeSpan.FromSeconds(options.Value.EvaluationSeconds);
        while (true)
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The state stays as it was; the next evaluation decides again from the store.
                LogFailed(e, options.Value.EvaluationSeconds);
            }

            try
            {
                // A wait after each evaluation rather than a periodic timer: a slow read never queues a second one
                // behind it, and a jump of the clock (a suspended machine) brings one evaluation, not a burst.
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static WindowFigures Figures(TimeSpan window, ResponseCounts counts, double errorBudget) =>
        new(WindowText.Of(window), (long)window.TotalSeconds, counts.Total, counts.Bad, BurnRate(counts, errorBudget));

    /// <summary>
    /// Bad share ÷ error budget; with no error budget (target 1) any bad response burns infinitely fast. Rounded to 6
    /// places: 1 − 0.9 is not 0.1 in binary, and a 10% bad share should read, and compare, as a burn rate of exactly 1.
    /// </summary>
    private static double BurnRate(ResponseCounts counts, double errorBudget) =>
        counts.Bad == 0 ? 0 : Math.Round((double)counts.Bad / counts.Total / errorBudget, 6);

    private void Announce(Alert alert)
    {
        var (l, s) = (alert.LongWindow, alert.ShortWindow);
        if (alert.State == AlertStates.Firing)
        {
            LogFiring(alert.Name, alert.Rule, alert.InterviewType, l.BurnRate, l.Window, l.Bad, l.Responses, s.BurnRate, s.Window, s.Bad, s.Responses, alert.BurnRateThreshold);
        }
        else
        {
            LogResolved(alert.Name, alert.Rule, alert.InterviewType, l.BurnRate, l.Window, l.Bad, l.Responses, s.BurnRate, s.Window, s.Bad, s.Responses, alert.BurnRateThreshold);
        }

        webhook.Enqueue(alert);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Alert} ({Rule}) firing for {InterviewType}: burn rate {LongBurnRate:0.##} over {LongWindow} ({LongBad}/{LongResponses} bad), {ShortBurnRate:0.##} over {ShortWindow} ({ShortBad}/{ShortResponses} bad), threshold {Threshold}")]
    private partial void LogFiring(string alert, string rule, string interviewType, double longBurnRate, string longWindow, long longBad, long longResponses,
        double shortBurnRate, string shortWindow, long shortBad, long shortResponses, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Alert} ({Rule}) resolved for {InterviewType}: burn rate {LongBurnRate:0.##} over {LongWindow} ({LongBad}/{LongResponses} bad), {ShortBurnRate:0.##} over {ShortWindow} ({ShortBad}/{ShortResponses} bad), threshold {Threshold}")]
    private partial void LogResolved(string alert, string rule, string interviewType, double longBurnRate, string longWindow, long longBad, long longResponses,
        double shortBurnRate, string shortWindow, long shortBad, long shortResponses, double threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert rule {Rule} can never fire: burn rate {BurnRate} is above the most there can be at target compliance {Target} ({MostPossible:0.##}, every response bad)")]
    private partial void LogUnreachable(string rule, double burnRate, double target, double mostPossible);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert evaluation failed; the next one runs in {Seconds} s")]
    private partial void LogFailed(Exception e, int seconds);
}

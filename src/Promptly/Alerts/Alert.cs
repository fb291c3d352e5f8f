namespace Promptly.Alerts;

/// <summary>
/// One alert of a rule for an interview type, as <c>GET /api/alerts</c> lists it and the webhook receives it: the
/// figures are those of the latest evaluation while it fires, and those of the evaluation that resolved it after.
/// </summary>
/// <param name="Name">The alert, as in deploy/prometheus/promptly-rules.yml: <c>PromptlyLatencyBudgetBurnPage</c> or <c>…Ticket</c>.</param>
/// <param name="Rule">Which pair of windows: <c>page_fast</c>, <c>page_slow</c> or <c>ticket</c>.</param>
/// <param name="State"><see cref="AlertStates.Firing"/> or <see cref="AlertStates.Resolved"/>.</param>
/// <param name="BurnRateThreshold">The burn rate both windows reached for it to fire.</param>
/// <param name="Since">When it started firing.</param>
/// <param name="ResolvedAt">When it stopped; null while it fires.</param>
internal sealed record Alert(
    string Name,
    string Rule,
    string Severity,
    string InterviewType,
    string State,
    double BurnRateThreshold,
    WindowFigures LongWindow,
    WindowFigures ShortWindow,
    DateTimeOffset Since,
    DateTimeOffset? ResolvedAt);

/// <summary>A window's figures at an evaluation.</summary>
/// <param name="Window">Its length as Prometheus writes it (<c>5m</c>, <c>1h</c>, <c>3d</c>).</param>
/// <param name="BurnRate">Bad share ÷ error budget; 0 for an empty window.</param>
internal sealed record WindowFigures(string Window, long Seconds, long Responses, long Bad, double BurnRate);

internal static class AlertStates
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>What <c>GET /api/alerts</c> answers: firing alerts, then resolved ones newest first.</summary>
/// <param name="EvaluatedAt">The latest evaluation; null before the first.</param>
internal sealed record AlertList(DateTimeOffset? EvaluatedAt, double TargetCompliance, IReadOnlyList<Alert> Firing, IReadOnlyList<Alert> Resolved);

using System.ComponentModel.DataAnnotations;

namespace Promptly.Alerts;

/// <summary>
/// Burn-rate alerts on the latency budget (the Google SRE workbook's multi-window, multi-burn-rate alerts). Bound from
/// the <c>Alerts</c> section (env: <c>Alerts__WebhookUrl=https://…</c>). A rule fires for an interview type when the
/// burn rate (bad share ÷ error budget, the error budget being 1 − <c>Latency:TargetCompliance</c>) is at least its
/// burn rate over both its long and its short window.
/// </summary>
internal sealed class AlertsOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>Seconds between evaluations. Default 30.</summary>
    [Range(1, 3600)]
    public int EvaluationSeconds { get; set; } = 30;

    /// <summary>
    /// Responses the long window must hold before a rule may fire, so that two bad answers out of three in a quiet hour
    /// page no one. Default 20: at the default target (error budget 0.10) the 6× page then needs at least 12 bad answers.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinimumResponses { get; set; } = 20;

    /// <summary>Page on a fast burn: long window. Default 1 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PageFastLongWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Page on a fast burn: short window. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PageFastShortWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Page on a fast burn: the burn rate. Default 14.4 (2% of a 30-day budget in an hour). Note that no burn rate above
    /// 1 ÷ error budget can happen: at the default target 0.90 the most is 10, so this rule stays silent unless the
    /// target is raised above 0.93; the start-up log says so.
    /// </summary>
    [Range(0.01, 1000)]
    public double PageFastBurnRate { get; set; } = 14.4;

    /// <summary>Page on a slower burn: long window. Default 6 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PageSlowLongWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Page on a slower burn: short window. Default 30 min.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PageSlowShortWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Page on a slower burn: the burn rate. Default 6 (5% of a 30-day budget in 6 hours).</summary>
    [Range(0.01, 1000)]
    public double PageSlowBurnRate { get; set; } = 6;

    /// <summary>Ticket: long window. Default 3 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TicketLongWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Ticket: short window. Default 6 h.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TicketShortWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Ticket: the burn rate. Default 1 (the budget is spent exactly as fast as it accrues).</summary>
    [Range(0.01, 1000)]
    public double TicketBurnRate { get; set; } = 1;

    /// <summary>Where each state change is POSTed as JSON; none by default.</summary>
    [Url]
    public string? WebhookUrl { get; set; }

    /// <summary>Attempts per webhook delivery, the first included, with exponential backoff between them. Default 4.</summary>
    [Range(1, 10)]
    public int WebhookAttempts { get; set; } = 4;

    /// <summary>Seconds one delivery may take, all attempts and waits included; then it is logged and dropped. Default 30.</summary>
    [Range(1, 600)]
    public int WebhookTimeoutSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var rule in AlertRule.From(this).Where(r => r.ShortWindow >= r.LongWindow))
        {
            yield return new ValidationResult($"The {rule.Name} rule's short window must be shorter than its long window.", [$"{rule.Name}ShortWindow"]);
        }
    }
}

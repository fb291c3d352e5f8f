namespace Promptly.Alerts;

/// <summary>One multi-window rule: it fires when the burn rate reaches <see cref="BurnRate"/> over both windows.</summary>
/// <param name="Name">The rule, as the API and the webhook name it: <c>page_fast</c>, <c>page_slow</c> or <c>ticket</c>.</param>
/// <param name="Alert">The alert it raises, named as in deploy/prometheus/promptly-rules.yml.</param>
/// <param name="Severity"><see cref="AlertSeverity.Page"/> or <see cref="AlertSeverity.Ticket"/>.</param>
internal sealed record AlertRule(string Name, string Alert, string Severity, TimeSpan LongWindow, TimeSpan ShortWindow, double BurnRate)
{
    public const string PageAlert = "PromptlyLatencyBudgetBurnPage";
    public const string TicketAlert = "PromptlyLatencyBudgetBurnTicket";

    public static IReadOnlyList<AlertRule> From(AlertsOptions options) =>
    [
        new("page_fast", PageAlert, AlertSeverity.Page, options.PageFastLongWindow, options.PageFastShortWindow, options.PageFastBurnRate),
        new("page_slow", PageAlert, AlertSeverity.Page, options.PageSlowLongWindow, options.PageSlowShortWindow, options.PageSlowBurnRate),
        new("ticket", TicketAlert, AlertSeverity.Ticket, options.TicketLongWindow, options.TicketShortWindow, options.TicketBurnRate),
    ];
}

/// <summary>Who is told: a page wakes someone, a ticket waits for working hours.</summary>
internal static class AlertSeverity
{
    public const string Page = "page";
    public const string Ticket = "ticket";
}

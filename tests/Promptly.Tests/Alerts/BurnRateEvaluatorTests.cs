using Promptly.Alerts;
using Promptly.Tests.Support;

namespace Promptly.Tests.Alerts;

public sealed class BurnRateEvaluatorTests
{
    private static bool Pages(AlertList alerts) => alerts.Firing.Any(a => a.Severity == AlertSeverity.Page);

    [Fact]
    public async Task SteadyOverBudget_PagesWithinTheShortWindow_AndResolvesOnceTrafficTurnsGood()
    {
        await using var server = await AlertsServer.StartAsync();

        var toFire = await server.StepUntilAsync(good: 0, bad: 10, Pages);

        Assert.True(toFire * AlertsServer.Interval <= TimeSpan.FromMinutes(5), $"paged after {toFire} evaluations");
        var page = Assert.Single(server.Board.Firing, a => a.Severity == AlertSeverity.Page);
        Assert.Equal(("page_slow", AlertRule.PageAlert, "PRACTICE", 6.0), (page.Rule, page.Name, page.InterviewType, page.BurnRateThreshold));
        Assert.Equal(10, page.LongWindow.BurnRate, 6);
        Assert.Equal(page.LongWindow.Responses, page.LongWindow.Bad);

        var toResolve = await server.StepUntilAsync(good: 10, bad: 0, alerts => !Pages(alerts));

        Assert.True(toResolve * AlertsServer.Interval <= TimeSpan.FromMinutes(30), $"resolved after {toResolve} evaluations");
        var resolved = Assert.Single(server.Board.Resolved);
        Assert.Equal(("page_slow", AlertStates.Resolved, page.Since), (resolved.Rule, resolved.State, resolved.Since));
        Assert.Equal(server.Time.GetUtcNow(), resolved.ResolvedAt);
        Assert.True(resolved.ShortWindow.BurnRate < 6);
    }

    [Fact]
    public async Task SlowBurn_RaisesTheTicketOnly()
    {
        await using var server = await AlertsServer.StartAsync();

        // 3 bad in 20: 15%, a burn rate of 1.5 against the 10% error budget.
        await server.StepUntilAsync(good: 17, bad: 3, alerts => alerts.Firing.Count > 0);
        for (var i = 0; i < 20; i++) await server.StepAsync(good: 17, bad: 3);

        var ticket = Assert.Single(server.Board.Firing);
        Assert.Equal(("ticket", AlertRule.TicketAlert, AlertSeverity.Ticket), (ticket.Rule, ticket.Name, ticket.Severity));
        Assert.Equal(1.5, ticket.LongWindow.BurnRate, 6);
        Assert.Equal(("3d", 259_200L, "6h"), (ticket.LongWindow.Window, ticket.LongWindow.Seconds, ticket.ShortWindow.Window));
    }

    [Fact]
    public async Task FastBurn_AtATargetThatLeavesRoomFor14Point4_FiresThePageFastRuleForItsTypeOnly()
    {
        await using var server = await AlertsServer.StartAsync(new() { ["Latency:TargetCompliance"] = "0.99" });

        await server.StepAsync(good: 0, bad: 30, interviewType: "INVITED");

        Assert.Contains(server.Board.Firing, a => a is { Rule: "page_fast", InterviewType: "INVITED" });
        Assert.DoesNotContain(server.Board.Firing, a => a.InterviewType == "PRACTICE");
    }

    [Fact]
    public async Task FewerResponsesThanTheMinimum_FireNothing()
    {
        await using var server = await AlertsServer.StartAsync(new() { ["Alerts:MinimumResponses"] = "25" });

        await server.StepAsync(good: 0, bad: 24);
        Assert.Empty(server.Board.Firing);

        await server.StepAsync(good: 0, bad: 1);
        Assert.NotEmpty(server.Board.Firing);
    }

    [Fact]
    public async Task StateChanges_AreLoggedOnce_ErrorWhenFiringAndInformationWhenResolved()
    {
        await using var server = await AlertsServer.StartAsync();

        await server.StepUntilAsync(good: 0, bad: 10, Pages);
        for (var i = 0; i < 5; i++) await server.StepAsync(good: 0, bad: 10);
        await server.StepUntilAsync(good: 10, bad: 0, alerts => !Pages(alerts));
        for (var i = 0; i < 5; i++) await server.StepAsync(good: 10, bad: 0);

        string[] logs;
        lock (server.Factory.Logs) logs = [.. server.Factory.Logs];
        var errors = logs.Where(l => l.StartsWith("ERROR Alert", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, errors.Length); // page_slow and the ticket, each once however long they burn
        Assert.Contains(errors, l => l.Contains("PromptlyLatencyBudgetBurnPage (page_slow) firing for PRACTICE: burn rate 10 over 6h", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("PromptlyLatencyBudgetBurnTicket (ticket) firing for PRACTICE", StringComparison.Ordinal));
        Assert.Single(logs, l => l.StartsWith("INFORMATION Alert PromptlyLatencyBudgetBurnPage (page_slow) resolved for PRACTICE", StringComparison.Ordinal));
        Assert.Single(logs, l => l.StartsWith("WARNING Alert rule page_fast can never fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_FiringAlertsComeBackFromTheStoredResponses()
    {
        var server = await AlertsServer.StartAsync();
        await server.StepUntilAsync(good: 0, bad: 10, Pages);

        await using var restarted = await server.RestartAsync();

        Assert.Contains(restarted.Board.Firing, a => a.Rule == "page_slow");
    }

    [FactWhenInstalled(Needs.Postgres)]
    public async Task TwoServersOnOneDatabase_BothShowTheAlert_AndEachChangeIsAnnouncedByOne()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var a = await AlertsServer.StartAsync(database.ServerSettings());
        await using var b = await AlertsServer.StartAsync(database.ServerSettings());

        // The responses arrive at A; B evaluates the same stored responses on a clock kept in step.
        for (var step = 0; step < 200 && !(Pages(a.Board) && Pages(b.Board)); step++)
        {
            await a.StepAsync(good: 0, bad: 10);
            await b.StepAsync(good: 0, bad: 0);
        }

        Assert.True(Pages(a.Board) && Pages(b.Board));
        for (var step = 0; step < 200 && (Pages(a.Board) || Pages(b.Board)); step++)
        {
            await a.StepAsync(good: 10, bad: 0);
            await b.StepAsync(good: 0, bad: 0);
        }

        Assert.False(Pages(a.Board) || Pages(b.Board));
        string[] logs;
        lock (a.Factory.Logs) logs = [.. a.Factory.Logs];
        lock (b.Factory.Logs) logs = [.. logs, .. b.Factory.Logs];
        Assert.Single(logs, l => l.StartsWith("ERROR Alert PromptlyLatencyBudgetBurnPage (page_slow) firing for PRACTICE", StringComparison.Ordinal));
        Assert.Single(logs, l => l.StartsWith("INFORMATION Alert PromptlyLatencyBudgetBurnPage (page_slow) resolved for PRACTICE", StringComparison.Ordinal));
        Assert.Single(logs, l => l.StartsWith("ERROR Alert PromptlyLatencyBudgetBurnTicket (ticket) firing for PRACTICE", StringComparison.Ordinal));
    }
}

using Microsoft.Playwright;
using Promptly.Latency;
using Promptly.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Promptly.Tests.Web;

/// <summary>The operators' dashboard in a real Chromium against a real server: what it shows is what the API says.</summary>
public sealed class DashboardPageTests
{
    private static readonly LocatorAssertionsToContainTextOptions Guard = new() { Timeout = (float)DashboardBrowser.HangGuard.TotalMilliseconds };

    [FactWhenInstalled(Needs.Chromium)]
    public async Task SignIn_RefusesAWrongKey_LoadsThePanelsWithTheRightOne_AndSignOutForgetsIt()
    {
        await using var dashboard = await DashboardBrowser.StartAsync();
        await dashboard.OpenAsync();
        Assert.Empty(await dashboard.SeriousViolationsAsync());
        await dashboard.Watched.ScreenshotAsync("dashboard-sign-in");

        await dashboard.SignInAsync("not-the-key");
        await Expect(dashboard.Page.Locator("#sign-in-message")).ToContainTextAsync("refused", Guard);
        Assert.Null(await dashboard.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('promptly.operatorKey')"));
        // The 403 was provoked; the browser reports it as a failed request and a console error.
        dashboard.Watched.Expect(e => e.Contains("403", StringComparison.Ordinal));

        await dashboard.SignInAsync();
        Assert.Equal("0", await dashboard.FigureAsync("h1-responses"));
        Assert.Equal(PromptlyFactory.OperatorKey, await dashboard.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('promptly.operatorKey')"));
        await Expect(dashboard.Page.Locator("#sign-in")).ToBeHiddenAsync();

        await dashboard.Page.ClickAsync("#sign-out");
        await Expect(dashboard.Page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(dashboard.Page.Locator("#panels")).ToBeHiddenAsync();
        Assert.Null(await dashboard.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('promptly.operatorKey')"));
        Assert.Empty(dashboard.Watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task AfterALoadRun_TheFiguresShownAreTheApis()
    {
        await using var dashboard = await DashboardBrowser.StartAsync();
        await dashboard.DriveAsync(sessions: 3, turns: 4);
        var hour = (await dashboard.GetAsync("/api/latency/compliance?hours=1"))["overall"]!;
        var sessions = (await dashboard.GetAsync("/sessions?limit=20"))["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();

        await dashboard.OpenAsync();
        await dashboard.SignInAsync();

        // Nothing is answered between the two reads, so the page's last hour is the API's.
        Assert.Equal(15, hour["total_responses"]!.GetValue<int>());
        Assert.Equal("15", await dashboard.FigureAsync("h1-responses"));
        Assert.Equal(hour["budget_compliance_rate"]!.GetValue<double>(), DashboardBrowser.Number(await dashboard.FigureAsync("h1-compliance")));
        Assert.Equal(hour["p50"]!.GetValue<double>(), DashboardBrowser.Number(await dashboard.FigureAsync("h1-p50")));
        Assert.Equal(hour["p95"]!.GetValue<double>(), DashboardBrowser.Number(await dashboard.FigureAsync("h1-p95")));
        Assert.Equal("15", await dashboard.FigureAsync("m5-responses"));
        await Expect(dashboard.Page.Locator("#session-rows tr[data-session-id]")).ToHaveCountAsync(3);
        var rows = await dashboard.Page.Locator("#session-rows tr[data-session-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sessionId)");
        Assert.Equal(sessions, rows);

        // The slower panels have drawn: trends, phases, routes.
        await Expect(dashboard.Page.Locator("#trend-rows")).ToContainTextAsync("PRACTICE", Guard);
        await Expect(dashboard.Page.Locator("#phase-rows")).ToContainTextAsync("persist", Guard);
        await Expect(dashboard.Page.Locator("#route-rows")).ToContainTextAsync("POST /sessions/{id}/turns", Guard);
        await Expect(dashboard.Page.Locator("#trend-latency canvas")).ToHaveCountAsync(1);

        Assert.Empty(await dashboard.SeriousViolationsAsync());
        await dashboard.Watched.ScreenshotAsync("dashboard-signed-in");
        // Narrow screens get the same page, without a horizontal scroll of the whole page.
        // The charts redraw at their new width on the window's resize event, which may come after the viewport changed:
        // the page is given until the hang guard to settle, and fails if it is still wider than the screen by then.
        await dashboard.Page.SetViewportSizeAsync(380, 800);
        try
        {
            await dashboard.Page.WaitForFunctionAsync(
                "() => document.documentElement.scrollWidth <= window.innerWidth + 1 || null",
                null, new() { Timeout = (float)DashboardBrowser.HangGuard.TotalMilliseconds, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("no page-wide horizontal scroll at 380 px");
        }
        await dashboard.Watched.ScreenshotAsync("dashboard-narrow");
        Assert.Empty(dashboard.Watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task ABurstOfSlowResponses_ShowsInTheLivePanel_AndItsAlertFires()
    {
        // Alerts evaluated every second, and allowed to fire on a handful of responses.
        await using var dashboard = await DashboardBrowser.StartAsync(new() { ["Alerts:EvaluationSeconds"] = "1", ["Alerts:MinimumResponses"] = "5" });
        await dashboard.DriveAsync(sessions: 1, turns: 2);
        await dashboard.OpenAsync();
        await dashboard.SignInAsync();
        Assert.Equal("3", await dashboard.FigureAsync("m5-responses"));
        Assert.Equal("0", await dashboard.FigureAsync("alerts-firing"));

        // Twelve text responses of about 3 s each (over the 2 s budget), stored as the budget stores a response.
        await dashboard.Server.Factory.Services.SaveAsync(Enumerable.Range(0, 12)
            .Select(i => StoredResponses.Record(LatencyChannels.Text, i, DateTimeOffset.UtcNow, factor: 15)));

        await dashboard.FigureWhenAsync("m5-responses", "v === '15'");
        Assert.True(DashboardBrowser.Number(await dashboard.FigureAsync("m5-p95")) > 2000);
        Assert.Equal(0.2, DashboardBrowser.Number(await dashboard.FigureAsync("m5-compliance")));
        await dashboard.FigureWhenAsync("alerts-firing", "Number(v) >= 1");
        await Expect(dashboard.Page.Locator("#alert-rows tr[data-state=firing]").First).ToContainTextAsync("PromptlyLatencyBudgetBurn", Guard);
        await Expect(dashboard.Page.Locator("[data-figure='m5-verdict']")).ToHaveAttributeAsync("data-state", "fail");
        await dashboard.Watched.ScreenshotAsync("dashboard-alert");
        Assert.Empty(dashboard.Watched.Errors);
    }

    [FactWhenInstalled(Needs.Chromium)]
    public async Task Interviews_SearchFindsASessionByAWordOfItsTranscript_AndOpeningItShowsItsLatencies()
    {
        await using var dashboard = await DashboardBrowser.StartAsync();
        var ids = await dashboard.DriveAsync(sessions: 3, turns: 3, extraWord: "quokka");
        var export = await dashboard.GetAsync($"/sessions/{ids[0]}/export?format=json");
        var responses = export["transcript"]!.AsArray().Count(l => l!["latency"] is not null);

        await dashboard.OpenAsync();
        await dashboard.SignInAsync();
        await Expect(dashboard.Page.Locator("#session-rows tr[data-session-id]")).ToHaveCountAsync(3);
        await dashboard.Page.FillAsync("#filter-q", "quokka");
        await dashboard.Page.ClickAsync("#session-filters button[type=submit]");
        var found = dashboard.Page.Locator("#session-rows tr[data-session-id]");
        await Expect(found).ToHaveCountAsync(1);
        Assert.Equal(ids[0], await found.GetAttributeAsync("data-session-id"));

        await found.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(dashboard.Page.Locator("#transcript")).ToBeVisibleAsync();
        await Expect(dashboard.Page.Locator("#transcript-lines")).ToContainTextAsync("quokka", Guard);
        var latencies = dashboard.Page.Locator("#transcript-lines li[data-role=interviewer] .latency");
        await Expect(latencies).ToHaveCountAsync(responses);
        foreach (var text in await latencies.AllTextContentsAsync())
        {
            Assert.Contains(" ms (within budget)", text, StringComparison.Ordinal);
            Assert.Contains("persist", text, StringComparison.Ordinal);
        }

        Assert.Empty(await dashboard.SeriousViolationsAsync());
        await dashboard.Watched.ScreenshotAsync("dashboard-transcript");
        Assert.Empty(dashboard.Watched.Errors);
    }
}

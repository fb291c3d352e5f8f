using System.Net;
using System.Text.Json;

namespace Promptly.Tests.Alerts;

public sealed class AlertsEndpointsTests
{
    [Fact]
    public async Task GetAlerts_WithoutCredentials_Is401()
    {
        await using var server = await AlertsServer.StartAsync();
        server.Client.DefaultRequestHeaders.Authorization = null;

        var response = await server.Client.GetAsync("/api/alerts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetAlerts_ListsFiringAndResolvedAlertsWithTheirFigures()
    {
        await using var server = await AlertsServer.StartAsync();
        await server.StepUntilAsync(good: 0, bad: 10, alerts => alerts.Firing.Count == 2);
        await server.StepUntilAsync(good: 10, bad: 0, alerts => alerts.Resolved.Count == 1);

        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/alerts"));

        var root = json.RootElement;
        Assert.Equal(server.Time.GetUtcNow(), root.GetProperty("evaluated_at").GetDateTimeOffset());
        Assert.Equal(0.9, root.GetProperty("target_compliance").GetDouble());
        var ticket = Assert.Single(root.GetProperty("firing").EnumerateArray());
        Assert.Equal("PromptlyLatencyBudgetBurnTicket", ticket.GetProperty("name").GetString());
        Assert.Equal("firing", ticket.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("resolved_at").ValueKind);
        var page = Assert.Single(root.GetProperty("resolved").EnumerateArray());
        Assert.Equal(("page_slow", "page", "PRACTICE", 6.0), (page.GetProperty("rule").GetString(), page.GetProperty("severity").GetString(),
            page.GetProperty("interview_type").GetString(), page.GetProperty("burn_rate_threshold").GetDouble()));
        Assert.True(page.GetProperty("resolved_at").GetDateTimeOffset() > page.GetProperty("since").GetDateTimeOffset());
        var longWindow = page.GetProperty("long_window");
        Assert.Equal(("6h", 21_600), (longWindow.GetProperty("window").GetString(), longWindow.GetProperty("seconds").GetInt64()));
        var (responses, bad) = (longWindow.GetProperty("responses").GetInt64(), longWindow.GetProperty("bad").GetInt64());
        Assert.True(bad > 0 && bad < responses);
        Assert.Equal((double)bad / responses / (1 - 0.9), longWindow.GetProperty("burn_rate").GetDouble(), 6);
        Assert.Equal("30m", page.GetProperty("short_window").GetProperty("window").GetString());
    }
}

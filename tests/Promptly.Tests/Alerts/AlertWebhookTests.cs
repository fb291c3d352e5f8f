using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Promptly.Tests.Support;

namespace Promptly.Tests.Alerts;

public sealed class AlertWebhookTests
{
    /// <summary>A receiver on 127.0.0.1 that answers every POST with <paramref name="status"/> and hands over the bodies.</summary>
    private static async Task<(WebApplication App, string Url, Channel<string> Bodies)> ReceiverAsync(int status)
    {
        var bodies = Channel.CreateUnbounded<string>();
        var app = LoopbackApp.Build();
        app.MapPost("/v1/alerts", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            await bodies.Writer.WriteAsync(await reader.ReadToEndAsync());
            return Results.StatusCode(status);
        });
        var url = await LoopbackApp.StartAsync(app) + "/alerts";
        return (app, url, bodies);
    }

    private static async Task<JsonElement> NextAsync(Channel<string> bodies) =>
        JsonDocument.Parse(await bodies.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).RootElement; // a hang guard only

    [Fact]
    public async Task Webhook_ReceivesTheFiringAndTheResolvedBodies()
    {
        var (app, url, bodies) = await ReceiverAsync(200);
        await using var receiver = app;
        // The ticket out of reach, so that the page's two changes are the only ones.
        await using var server = await AlertsServer.StartAsync(new() { ["Alerts:WebhookUrl"] = url, ["Alerts:TicketBurnRate"] = "50" });

        await server.StepUntilAsync(good: 0, bad: 10, alerts => alerts.Firing.Count > 0);
        var firing = await NextAsync(bodies);
        await server.StepUntilAsync(good: 10, bad: 0, alerts => alerts.Firing.Count == 0);
        var resolved = await NextAsync(bodies);

        Assert.Equal(("PromptlyLatencyBudgetBurnPage", "page_slow", "page", "PRACTICE", "firing"), Head(firing));
        Assert.Equal(JsonValueKind.Null, firing.GetProperty("resolved_at").ValueKind);
        Assert.Equal(10, firing.GetProperty("long_window").GetProperty("burn_rate").GetDouble(), 6);
        Assert.Equal("30m", firing.GetProperty("short_window").GetProperty("window").GetString());
        Assert.Equal(("PromptlyLatencyBudgetBurnPage", "page_slow", "page", "PRACTICE", "resolved"), Head(resolved));
        Assert.Equal(server.Time.GetUtcNow(), resolved.GetProperty("resolved_at").GetDateTimeOffset());
        Assert.Equal(firing.GetProperty("since").GetDateTimeOffset(), resolved.GetProperty("since").GetDateTimeOffset());
        Assert.False(bodies.Reader.TryRead(out var more), more);
    }

    [Fact]
    public async Task Webhook_ThatKeepsFailing_IsTriedWithBackoffThenLogged()
    {
        var (app, url, bodies) = await ReceiverAsync(503);
        await using var receiver = app;
        await using var server = await AlertsServer.StartAsync(new()
        {
            ["Alerts:WebhookUrl"] = url, ["Alerts:TicketBurnRate"] = "50", ["Alerts:WebhookAttempts"] = "3",
        });

        await server.StepUntilAsync(good: 0, bad: 10, alerts => alerts.Firing.Count > 0);
        await NextAsync(bodies);
        // The waits double from a second, on the server's clock.
        await server.Time.ArmedAsync(TimeSpan.FromSeconds(1));
        server.Time.Advance(TimeSpan.FromSeconds(1));
        await NextAsync(bodies);
        await server.Time.ArmedAsync(TimeSpan.FromSeconds(2));
        server.Time.Advance(TimeSpan.FromSeconds(2));
        await NextAsync(bodies);

        // The sender's log line, written just after the last attempt's answer; the limit is a hang guard only.
        await server.Factory.LoggedAsync(l => l.StartsWith("WARNING Alert webhook refused PromptlyLatencyBudgetBurnPage (page_slow, PRACTICE, firing) with status 503", StringComparison.Ordinal))
            .WaitAsync(TimeSpan.FromSeconds(30));
        await server.StepAsync(good: 0, bad: 10);
        Assert.False(bodies.Reader.TryRead(out _));
    }

    private static (string?, string?, string?, string?, string?) Head(JsonElement alert) =>
        (alert.GetProperty("name").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("severity").GetString(),
            alert.GetProperty("interview_type").GetString(), alert.GetProperty("state").GetString());
}

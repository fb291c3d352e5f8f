using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Promptly.Tests.Support;

namespace Promptly.Tests.Telemetry;

public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Requests_SeveralRoutes_ReportedPerRouteTemplateAndStatus()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();
        for (var i = 0; i < 4; i++) await client.TurnAsync(id, "Smooth and creamy because it froths so well");
        await client.GetAsync("/sessions/missing");

        var report = await client.GetJsonAsync("/api/metrics/requests?hours=1");
        var routes = report["routes"]!.AsArray();
        // Exactly the routes asked, by template rather than by path (every session id is one route).
        Assert.Equal(
            ["GET /sessions/{id}", "POST /sessions", "POST /sessions/{id}/turns"],
            routes.Select(r => $"{r!["method"]!.GetValue<string>()} {r["route"]!.GetValue<string>()}").Order(StringComparer.Ordinal));
        var turns = routes.SingleOrDefault(r => r!["route"]!.GetValue<string>() == "/sessions/{id}/turns" && r["method"]!.GetValue<string>() == "POST")!;
        Assert.True(turns is not null, report.ToJsonString());
        Assert.Equal(4, turns["count"]!.GetValue<long>());
        Assert.Equal(4, turns["status_counts"]!["200"]!.GetValue<long>());
        Assert.True(turns["p50_ms"]!.GetValue<double>() > 0);
        Assert.True(turns["p99_ms"]!.GetValue<double>() <= turns["max_ms"]!.GetValue<double>() * 1.001);

        Assert.Contains(routes, r => r!["route"]!.GetValue<string>() == "/sessions" && r["method"]!.GetValue<string>() == "POST");
        var missing = routes.SingleOrDefault(r => r!["route"]!.GetValue<string>() == "/sessions/{id}" && r["method"]!.GetValue<string>() == "GET")!;
        Assert.True(missing is not null, report.ToJsonString());
        Assert.Equal(1, missing["status_counts"]!["404"]!.GetValue<long>());
    }

    [Fact]
    public async Task Requests_WithMethodsOfAnyName_RecordedUnderOneName()
    {
        await using var factory = new PromptlyFactory();
        var client = factory.CreateClient();
        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod($"FUZZ{i}"), "/concepts");
            (await client.SendAsync(request)).Dispose();
        }

        var routes = (await client.GetJsonAsync("/api/metrics/requests?hours=1"))["routes"]!.AsArray();

        // Each name would otherwise keep recorders of its own for as long as the server runs.
        var other = Assert.Single(routes, r => r!["method"]!.GetValue<string>() == "OTHER")!;
        Assert.Equal(50, other["count"]!.GetValue<long>());
        Assert.DoesNotContain(routes, r => r!["method"]!.GetValue<string>().StartsWith("FUZZ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VoiceSocket_OpenForAMinute_RecordedAsTheTimeToItsUpgrade()
    {
        var time = new FakeTimeProvider();
        await using var factory = PromptlyFactory.OnClock(time);
        var client = factory.CreateClient();
        var id = (await client.StartAsync()).Id();

        await using (await VoiceClient.ConnectAsync(factory, id))
        {
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // The socket's request is recorded once the server has finished with it, a moment after the close.
        JsonNode? voice = null;
        for (var polls = 0; voice is null && polls < 1500; polls++)
        {
            if (polls > 0) await Task.Delay(20);
            var routes = (await client.GetJsonAsync("/api/metrics/requests?hours=1"))["routes"]!.AsArray();
            voice = routes.SingleOrDefault(r => r!["route"]!.GetValue<string>() == "/sessions/{id}/voice");
        }

        Assert.NotNull(voice);
        Assert.Equal(1, voice["count"]!.GetValue<long>());
        Assert.Equal(1, voice["status_counts"]!["101"]!.GetValue<long>());
        // Timed to its end, the request would take the minute the socket was open; the clock did not move before the 101.
        Assert.True(voice["max_ms"]!.GetValue<double>() < 1, voice.ToJsonString());
        // ASP.NET Core's request duration (exported to Prometheus) would time it to its end: it leaves the socket (its
        // 101) out. Only the 101 is looked for: OpenTelemetry listens to ASP.NET Core's meters by name, process-wide, so
        // this scrape also holds other tests' hosts' requests, among them voice routes refused with a 400.
        var scraped = await client.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds_count{", scraped);
        Assert.DoesNotContain(scraped.Split('\n'), line => line.Contains("/sessions/{id}/voice") && line.Contains("http_response_status_code=\"101\""));
    }
}

using System.Net;
using Promptly.Load;
using Promptly.Tests.Support;

namespace Promptly.Tests.Load;

public sealed class LoadRunnerTests
{
    private static readonly Uri Server = new("http://localhost/");

    private static LoadSettings Settings(LoadMode mode, IReadOnlyList<LoadPhase> phases, IReadOnlyList<LoadScenario> scenarios, int maxInFlight = 64, int connections = 0) =>
        new(Server, mode, phases, scenarios, connections, "software_engineer_practice", 0, maxInFlight, TimeSpan.FromSeconds(30), 5000, 1, null, false);

    private static async Task<(LoadRunner Runner, LoadResult Result)> RunAsync(LoadSettings settings, HttpMessageHandler handler, SessionPool? pool = null)
    {
        using var http = new HttpClient(handler, disposeHandler: false);
        var runner = new LoadRunner(settings, new LoadTarget(http, Server, new InterviewDriver(http, Server, settings.Concept, "promptly load", TimeProvider.System), pool ?? new SessionPool(100)), TimeProvider.System);
        await runner.RunAsync(null, CancellationToken.None);
        return (runner, LoadResult.From(settings, runner, "test", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, TimeSpan.Zero));
    }

    [Fact]
    public async Task OpenRun_OneSlotAndASlowServer_MeasuresFromTheIntendedSendTime()
    {
        // 10 requests 50 ms apart, each answered in 200 ms, one at a time: request i waits for the i before it, so
        // from its intended time it takes about (i + 1) · 200 − i · 50 ms, up to ~1.55 s, while each exchange
        // alone takes 200 ms. A generator timing from the actual send would report 200 ms throughout.
        using var server = new ScriptedServer(async (_, _, _) =>
        {
            await Task.Delay(200);
            return HttpStatusCode.OK;
        });
        var settings = Settings(LoadMode.Open, [new LoadPhase("a", TimeSpan.FromSeconds(0.5), 20)], [new LoadScenario("health", ScenarioKind.Health, 1)], maxInFlight: 1);

        var (_, result) = await RunAsync(settings, server);

        var row = Assert.Single(result.Scenarios);
        Assert.Equal(10, row.Count);
        Assert.Equal(0, row.ErrorCount);
        Assert.InRange(row.ServiceLatency.P50Ms, 190, 1000);
        Assert.True(row.Latency.MaxMs >= 1400, $"max from the intended time {row.Latency.MaxMs} ms");
        Assert.True(row.Latency.P50Ms > row.ServiceLatency.P50Ms + 300, $"p50 {row.Latency.P50Ms} ms vs {row.ServiceLatency.P50Ms} ms from the send");
        Assert.True(result.Phases[0].LagMaxMs >= 1000, $"lag {result.Phases[0].LagMaxMs} ms");
    }

    [Fact]
    public async Task OpenRun_FastServer_SendsEveryScheduledRequestAndCountsThemPerScenario()
    {
        using var server = ScriptedServer.Fast();
        var pool = new SessionPool(100);
        pool.Add(new InterviewSession("s0", Server));
        var settings = Settings(LoadMode.Open, [new LoadPhase("a", TimeSpan.FromSeconds(0.5), 40), new LoadPhase("b", TimeSpan.FromSeconds(0.5), 60)], LoadScenario.Defaults);

        var (_, result) = await RunAsync(settings, server, pool);

        Assert.Equal([20L, 30L], result.Phases.Select(p => p.Scheduled));
        Assert.Equal(50, result.Sent + result.Skipped);
        Assert.Equal(server.Requests, result.Sent);
        Assert.Equal(0, result.Skipped);
        foreach (var phase in new[] { "a", "b" })
        {
            Assert.Equal(result.Phases.Single(p => p.Name == phase).Count, result.Scenarios.Where(r => r.Phase == phase).Sum(r => r.Count));
        }

        var all = result.Scenarios.Where(r => r.Phase == LoadResult.AllPhases).ToList();
        Assert.Equal(["create_interview", "get_interview", "take_turn"], all.Select(r => r.Scenario));
        Assert.Equal(50, all.Sum(r => r.Count));
        Assert.Equal(1.5, all.Single(r => r.Scenario == "take_turn").ServerLatency!.P50Ms);
        Assert.Null(all.Single(r => r.Scenario == "get_interview").ServerLatency);
    }

    [Fact]
    public async Task OpenRun_TurnsWithoutSessions_AreSkippedNotSent()
    {
        using var server = ScriptedServer.Fast();
        var settings = Settings(LoadMode.Open, [new LoadPhase("a", TimeSpan.FromSeconds(0.25), 40)], [new LoadScenario("turn", ScenarioKind.TakeTurn, 1)]);

        var (_, result) = await RunAsync(settings, server);

        Assert.Equal(10, result.Skipped);
        Assert.Equal(0, result.Sent);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task OpenRun_ServerErrorsAndTimeouts_AreCountedByKind()
    {
        using var server = new ScriptedServer(async (_, n, cancellation) =>
        {
            if (n % 3 == 0) await Task.Delay(TimeSpan.FromSeconds(5), cancellation);
            return n % 3 == 1 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
        });
        var settings = Settings(LoadMode.Open, [new LoadPhase("a", TimeSpan.FromSeconds(0.3), 30)], [new LoadScenario("health", ScenarioKind.Health, 1)])
            with { Timeout = TimeSpan.FromSeconds(1) };

        var (_, result) = await RunAsync(settings, server);

        var row = Assert.Single(result.Scenarios);
        Assert.Equal(9, row.Count);
        Assert.Equal(3, row.Errors["HTTP 500"]);
        Assert.Equal(3, row.Errors["timeout"]);
        Assert.Equal(3, row.Latency.Count);
    }

    [Fact]
    public async Task ClosedRun_KeepsTheConnectionsBusyAndStopsAtTheDuration()
    {
        var inFlight = 0;
        var peak = 0;
        using var server = new ScriptedServer(async (_, _, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(10);
            Interlocked.Decrement(ref inFlight);
            return HttpStatusCode.OK;
        });
        var settings = Settings(LoadMode.Closed, [new LoadPhase("closed", TimeSpan.FromSeconds(0.5), 0)], [new LoadScenario("health", ScenarioKind.Health, 1)], connections: 4);

        var (runner, result) = await RunAsync(settings, server);

        Assert.Equal(4, peak);
        Assert.Equal(4, runner.PeakInFlight);
        Assert.Equal(server.Requests, result.Sent);
        Assert.InRange(result.Sent, 8, 4 * 50);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current) current = Volatile.Read(ref target);
    }
}

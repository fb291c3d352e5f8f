using System.Net;
using System.Text.Json.Nodes;

using Promptly.Tests.Support;
using Promptly.Load;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly load</c> in-process: against the real server in memory, scripted servers, a fake Kestrel and no server at all.</summary>
[Collection(TimingSensitive.Name)]
public sealed class LoadCommandTests
{
    private const string HealthOnly = "scenarios:\n  - { name: health, kind: health, weight: 1 }\n";

    private static string OutputPath() => Path.Combine(Path.GetTempPath(), "promptly-tests", Guid.NewGuid().ToString("N"), "results.json");

    [Fact]
    public async Task Load_ShortRunAgainstTheServer_ReportsCountsThatMatchTheServer()
    {
        await using var factory = new PromptlyFactory();
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(factory.Server.CreateHandler(), "http://localhost", "--phases", "a:1s@20,b:1s@30", "--sessions", "5", "--output", output);

        run.AssertOk();
        Assert.Contains("Set-up: 5 sessions created.", run.Output);
        Assert.Matches(@"create_interview\s+all\s+\d+", run.Output);
        Assert.Contains("Cross-check", run.Output);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.Equal("open", json["mode"]!.GetValue<string>());
        Assert.Equal(50, json["scheduled"]!.GetValue<long>());
        var rows = json["scenarios"]!.AsArray();
        var all = rows.Where(r => r!["phase"]!.GetValue<string>() == "all").ToDictionary(r => r!["scenario"]!.GetValue<string>(), r => r!);
        Assert.Equal(json["sent"]!.GetValue<long>(), all.Values.Sum(r => r["count"]!.GetValue<long>()));
        Assert.Equal(50, json["sent"]!.GetValue<long>() + json["scenarios"]!.AsArray().Where(r => r!["phase"]!.GetValue<string>() != "all").Sum(r => r!["skipped"]!.GetValue<long>()));
        Assert.All(all.Values, r => Assert.Equal(0, r["error_count"]!.GetValue<long>()));

        // The server holds the set-up sessions and one per create_interview; its analytics saw every interview response.
        using var client = factory.CreateClient();
        var health = JsonNode.Parse(await client.GetStringAsync("/health"))!;
        Assert.Equal(5 + all["create_interview"]["count"]!.GetValue<long>(), health["sessions_in_memory"]!.GetValue<long>());
        var analytics = json["cross_check"]!["analytics"]!;
        Assert.Equal(all["create_interview"]["count"]!.GetValue<long>() + all["take_turn"]["count"]!.GetValue<long>(), analytics["client_count"]!.GetValue<long>());
        Assert.Equal(analytics["client_count"]!.GetValue<long>(), analytics["server_count"]!.GetValue<long>());
        var turns = json["cross_check"]!["rows"]!.AsArray().Single(r => r!["scenario"]!.GetValue<string>() == "take_turn")!;
        Assert.Equal(turns["client_count"]!.GetValue<long>(), turns["server_count"]!.GetValue<long>());

        var markdown = await File.ReadAllTextAsync(Path.ChangeExtension(output, ".md"));
        Assert.Contains("| Scenario | Phase | Count | RPS |", markdown);
        Assert.Contains("promptly load http://localhost --phases a:1s@20,b:1s@30", markdown.Replace("\"", ""));
    }

    [Fact]
    public async Task Load_StressAgainstAServerThatStartsFailing_StopsAtTheFirstStepWithErrors()
    {
        // Request 1 is the health check; the steps send 10, 20, 30… requests; from request 32 on the server fails.
        using var server = new ScriptedServer((_, n, _) => Task.FromResult(n > 31 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--stress", "--start-rate", "10", "--step-rate", "10", "--step-duration", "1s",
            "--max-rate", "100", "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"), "--no-cross-check", "--output", output);

        run.AssertOk();
        var stress = JsonNode.Parse(await File.ReadAllTextAsync(output))!["stress"]!;
        Assert.Equal(30, stress["breaking_rate"]!.GetValue<double>());
        Assert.Equal(20, stress["last_good_rate"]!.GetValue<double>());
        Assert.Contains("HTTP 503", stress["reason"]!.GetValue<string>());
        Assert.Contains("Stress: broke at 30.0/s (step-3", run.Output);
        Assert.Equal(61, server.Requests);
    }

    [Fact]
    public async Task Load_StressAgainstAServerThatSlowsDown_StopsWhenP95CrossesTheBudget()
    {
        // Request 1 is the health check, 2–21 the first step; from the second step on every answer takes 3 s, far
        // over the 1.5 s budget (and far over any stall of a busy test machine, which the first step must survive).
        using var server = new ScriptedServer(async (_, n, cancellation) =>
        {
            if (n > 21) await Task.Delay(3000, cancellation);
            return HttpStatusCode.OK;
        });
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--stress", "--start-rate", "20", "--step-rate", "20", "--step-duration", "1s",
            "--max-rate", "100", "--p95-budget-ms", "1500", "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"), "--no-cross-check", "--output", output);

        run.AssertOk();
        var json = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.True(json["stress"]!["breaking_rate"]!.GetValue<double>() == 40, run.Output);
        Assert.Equal(20, json["stress"]!["last_good_rate"]!.GetValue<double>());
        Assert.Contains("p95", json["stress"]!["reason"]!.GetValue<string>());
        Assert.Equal(2, json["phases"]!.AsArray().Count);
    }

    [Fact]
    public async Task Load_StressWithTooFewSlots_StopsWhenTheRateIsNotHeldAndExitsOne()
    {
        // One request at a time, 100 ms each: at most 10/s can start, so the first step (20/s) does not hold its rate,
        // although every request is fast enough for the budget.
        using var server = new ScriptedServer(async (_, _, cancellation) =>
        {
            await Task.Delay(100, cancellation);
            return HttpStatusCode.OK;
        });
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--stress", "--start-rate", "20", "--step-rate", "20", "--step-duration", "1s",
            "--max-rate", "40", "--max-in-flight", "1", "--p95-budget-ms", "600000", "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"),
            "--no-cross-check", "--output", output);

        // Not even the first step held: no rate keeps the budget.
        run.AssertExit(ExitCodes.BudgetMissed);
        var stress = JsonNode.Parse(await File.ReadAllTextAsync(output))!["stress"]!;
        Assert.Equal(20, stress["breaking_rate"]!.GetValue<double>());
        Assert.Null(stress["last_good_rate"]);
        Assert.Contains("could be started on time", stress["reason"]!.GetValue<string>());
        Assert.Contains("last step that held (p95 ≤ 600,000 ms, no errors, rate reached): none.", run.Output);
    }

    [Fact]
    public async Task Load_PhaseWithErrors_IsMissedAndExitsOne()
    {
        // The health check passes (request 1); every request of the run fails.
        using var server = new ScriptedServer((_, n, _) => Task.FromResult(n > 1 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK));
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--phases", "200ms@20,200ms@20", "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"),
            "--no-cross-check", "--output", output);

        run.AssertExit(ExitCodes.BudgetMissed);
        Assert.Contains("FAIL: budget MISSED in phase1 (health: 4 errors (HTTP 500 ×4)); phase2 (health: 4 errors (HTTP 500 ×4)).", run.Output);
        var phases = JsonNode.Parse(await File.ReadAllTextAsync(output))!["phases"]!.AsArray();
        Assert.Equal(["phase1", "phase2"], phases.Select(p => p!["name"]!.GetValue<string>()));
        Assert.All(phases, p => Assert.False(p!["within_budget"]!.GetValue<bool>()));
        Assert.All(phases, p => Assert.StartsWith("health: 4 errors", p!["missed_because"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Load_EveryPhaseKept_SaysPassAndExitsZero()
    {
        using var server = ScriptedServer.Fast();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--phases", "200ms@20", "--p95-budget-ms", "600000",
            "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"), "--no-cross-check");

        run.AssertExit(ExitCodes.Ok);
        Assert.Contains("PASS: every phase kept the budget", run.Output);
    }

    [Fact]
    public async Task Load_ClosedWithARequestCount_SendsExactlyThatMany()
    {
        using var server = ScriptedServer.Fast();
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--connections", "8", "--requests", "250", "--p95-budget-ms", "600000",
            "--scenarios", LoadCommandRun.TempFile(HealthOnly, ".yaml"), "--no-cross-check", "--output", output);

        run.AssertExit(ExitCodes.Ok);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.Equal(250, json["sent"]!.GetValue<long>());
        // The health check before the run, then the 250.
        Assert.Equal(251, server.Requests);
    }

    [Fact]
    public async Task Load_SelfTest_RunsAgainstAnInProcessKestrel()
    {
        var output = OutputPath();

        var run = await LoadCommandRun.RunAsync(null, "--self-test", "--phases", "a:1s@50", "--sessions", "3", "--output", output);

        run.AssertOk();
        var json = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.StartsWith("http://127.0.0.1:", json["server"]!.GetValue<string>());

        // A turn finds no free session when the three are all in flight (a slow first request while the code warms
        // up): it is skipped, not sent, so only the sum is fixed.
        Assert.Equal(50, json["scheduled"]!.GetValue<long>());
        Assert.Equal(50, json["sent"]!.GetValue<long>() + json["skipped"]!.GetValue<long>());
        Assert.Null(json["cross_check"]);
    }

    [Theory]
    [InlineData("", "Name the server to load")]
    [InlineData("ftp://localhost", "must be an http(s) URL")]
    [InlineData("http://localhost --self-test", "either a URL or --self-test")]
    [InlineData("http://localhost --phases a:1s", "is not [name:]duration@rate")]
    [InlineData("http://localhost --connections 0", "--connections must be from 1")]
    [InlineData("http://localhost --connections 4 --duration 2h", "at most 1h")]
    [InlineData("http://localhost --connections 4 --stress", "not both")]
    [InlineData("http://localhost --connections 4 --phases a:1s@1", "closed mode")]
    [InlineData("http://localhost --duration 10s", "--duration is for closed mode")]
    [InlineData("http://localhost --step-rate 10", "are for --stress")]
    [InlineData("http://localhost --stress --phases a:1s@1", "makes its own steps")]
    [InlineData("http://localhost --stress --start-rate 100 --max-rate 10", "must not be below --start-rate")]
    [InlineData("http://localhost --stress --start-rate 1 --step-rate 1 --max-rate 1000", "at most 100")]
    [InlineData("http://localhost --stress --max-rate 1000000", "at most 100000/s")]
    [InlineData("http://localhost --p95-budget-ms 0", "--p95-budget-ms must be more than 0")]
    [InlineData("http://localhost --timeout 1d", "must look like")]
    [InlineData("http://localhost --timeout 10m", "--timeout must be from 1ms to 5m")]
    [InlineData("http://localhost --max-in-flight 0", "--max-in-flight must be from 1")]
    [InlineData("http://localhost --sessions -1", "--sessions must be from 0")]
    [InlineData("http://localhost --output results.md", "--output names the JSON file")]
    [InlineData("http://localhost --connections many", "many")]
    [InlineData("http://localhost --scenarios /nonexistent/mix.yaml", "does not exist")]
    [InlineData("--self-test --verify", "the --self-test fake stores nothing")]
    [InlineData("http://localhost --requests 10", "--requests is for closed mode")]
    [InlineData("http://localhost --connections 4 --requests 0", "--requests must be from 1")]
    public async Task Load_BadOptions_ExitThreeInOneLine(string args, string message)
    {
        using var server = ScriptedServer.Fast();

        var run = await LoadCommandRun.RunAsync(server, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        run.AssertFailed(ExitCodes.Usage, message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Load_UnknownConcept_ExitsThree()
    {
        await using var factory = new PromptlyFactory();

        var run = await LoadCommandRun.RunAsync(factory.Server.CreateHandler(), "http://localhost", "--concept", "no_such_guide", "--phases", "a:1s@1");

        run.AssertFailed(ExitCodes.Usage, "The server has no guide 'no_such_guide'");
    }

    [Fact]
    public async Task Load_Unreachable_ExitsTwoInOneLine()
    {
        var port = LoadCommandRun.ClosedPort();

        var run = await LoadCommandRun.RunAsync(null, $"http://127.0.0.1:{port}", "--phases", "a:1s@1");

        run.AssertFailed(ExitCodes.Unavailable, $"The server at http://127.0.0.1:{port}/ could not be reached");
    }

    [Fact]
    public async Task Load_UnhealthyServer_ExitsTwoWithoutLoadingIt()
    {
        using var server = new ScriptedServer((_, _, _) => Task.FromResult(HttpStatusCode.ServiceUnavailable));

        var run = await LoadCommandRun.RunAsync(server, "http://localhost", "--phases", "a:1s@10");

        run.AssertFailed(ExitCodes.Unavailable, "GET /health answered 503");
        Assert.Equal(1, server.Requests);
    }
}

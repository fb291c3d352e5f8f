using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Promptly.Bench;
using Promptly.Tests.Support;
using Promptly.Load;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly bench</c> against the in-memory server, and against servers that fail or are not there.</summary>
public sealed class BenchCommandTests : IAsyncLifetime
{
    private const string Server = "http://localhost";

    private readonly PromptlyFactory _factory = new();

    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<BenchRun> BenchAsync(params string[] args) => BenchRun.RunAsync(_factory.Server.CreateHandler(), [Server, .. args]);

    [Fact]
    public async Task Bench_MoreTurnsThanOneInterview_MeasuresExactlyThatManyAcrossSessions()
    {
        var run = await BenchAsync("--turns", "25");

        run.AssertExit(ExitCodes.Ok);
        Assert.Equal("", run.Error);
        Assert.Equal(["Turns", "25", "25"], run.Row("Turns"));
        foreach (var figure in new[] { "Average", "Median", "p95", "p99", "Min", "Max" })
        {
            var cells = run.Row(figure);
            Assert.True(double.Parse(cells[1], CultureInfo.InvariantCulture) > 0, figure);
            Assert.True(double.Parse(cells[2], CultureInfo.InvariantCulture) > 0, figure);
        }

        // The default guide's interview lasts 20 turns with bench's short answers: the last 5 ran in a second one.
        Assert.Contains("25 turns of software_engineer_practice, one at a time, in 2 sessions", run.Output);
        Assert.Contains("PASS: client p95 ", run.Output);
        Assert.Contains("Median network and client overhead", run.Output);
    }

    [Fact]
    public async Task BenchJson_Run_CountsTheTurnsTheServerStored()
    {
        var run = await BenchAsync("--turns", "23", "--json");

        run.AssertExit(ExitCodes.Ok);
        var json = JsonNode.Parse(run.Output)!;
        Assert.Equal(23, json["turns"]!.GetValue<int>());
        var ids = json["session_ids"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, json["sessions"]!.GetValue<int>());
        var stored = 0;
        foreach (var id in ids) stored += (await _client.GetJsonAsync($"/sessions/{id}"))["question_number"]!.GetValue<int>();
        Assert.Equal(23, stored);
    }

    [Fact]
    public async Task BenchJson_ServerFigures_EqualTheSessionsLatencyRecords()
    {
        var run = await BenchAsync("--turns", "12", "--json");

        run.AssertExit(ExitCodes.Ok);
        var json = JsonNode.Parse(run.Output)!;
        var id = Assert.Single(json["session_ids"]!.AsArray())!.GetValue<string>();

        // The session's records as the server keeps them, without the greeting (question 0), which is not a turn.
        var records = (await _client.GetJsonAsync($"/sessions/{id}/latency"))["responses"]!.AsArray()
            .Where(r => r!["question_number"]!.GetValue<int>() > 0)
            .Select(r => r!["response_time_ms"]!.GetValue<double>())
            .ToList();
        var expected = BenchFigures.Of(records);
        var server = json["server"]!;
        Assert.Equal(12, records.Count);
        Assert.Equal(expected.MedianMs, server["median_ms"]!.GetValue<double>());
        Assert.Equal(expected.P95Ms, server["p95_ms"]!.GetValue<double>());
        Assert.Equal(expected.MaxMs, server["max_ms"]!.GetValue<double>());
        Assert.Equal(expected.MinMs, server["min_ms"]!.GetValue<double>());

        // Every turn took at least as long on the client as the server says it took inside.
        Assert.True(json["client"]!["min_ms"]!.GetValue<double>() >= expected.MinMs, run.Output);
        Assert.True(json["median_overhead_ms"]!.GetValue<double>() >= 0, run.Output);
    }

    [Fact]
    public async Task Bench_TinyBudget_ExitsOneAndSaysFail()
    {
        var run = await BenchAsync("--turns", "3", "--p95-budget-ms", "0.000001");

        run.AssertExit(ExitCodes.BudgetMissed);
        Assert.Equal("", run.Error);
        Assert.Contains("FAIL: client p95 ", run.Output);
        Assert.Contains("over the budget of 0.000001 ms", run.Output);
    }

    [Fact]
    public async Task BenchJson_TinyBudget_ExitsOneAndSaysNotWithinBudget()
    {
        var run = await BenchAsync("--turns", "3", "--p95-budget-ms", "0.000001", "--json");

        run.AssertExit(ExitCodes.BudgetMissed);
        var json = JsonNode.Parse(run.Output)!;
        Assert.False(json["within_budget"]!.GetValue<bool>());
        Assert.Equal(0.000001, json["p95_budget_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task Bench_GenerousBudget_ExitsZero()
    {
        var run = await BenchAsync("--turns", "3", "--p95-budget-ms", "60000");

        run.AssertExit(ExitCodes.Ok);
        Assert.Contains("within the budget of 60,000 ms", run.Output);
    }

    [Fact]
    public async Task Bench_UnknownConcept_ExitsTwoWithTheServersDetail()
    {
        var run = await BenchAsync("--concept", "no_such_guide");

        run.AssertFailed(ExitCodes.Unavailable, "The server answered 400 to POST /sessions: There is no concept 'no_such_guide'.");
    }

    [Fact]
    public async Task Bench_ServerError_ExitsTwoInOneLine()
    {
        using var handler = new FixedAnswer(HttpStatusCode.InternalServerError, "{\"title\":\"Boom\",\"status\":500,\"detail\":\"The database\\ncannot be opened.\"}");

        var run = await BenchRun.RunAsync(handler, Server);

        run.AssertFailed(ExitCodes.Unavailable, "The server answered 500 to POST /sessions: The database cannot be opened.");
    }

    [Fact]
    public async Task Bench_NotPromptly_ExitsTwo()
    {
        using var handler = new FixedAnswer(HttpStatusCode.OK, "<html>hello</html>");

        var run = await BenchRun.RunAsync(handler, Server);

        run.AssertFailed(ExitCodes.Unavailable, "to POST /sessions is not Promptly's");
    }

    [Fact]
    public async Task Bench_Unreachable_ExitsTwoInOneLine()
    {
        // A port that was just free and is closed again: the connection is refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await BenchRun.RunAsync(null, $"http://127.0.0.1:{port}");

        run.AssertFailed(ExitCodes.Unavailable, $"http://127.0.0.1:{port}/ could not be reached");
    }

    [Theory]
    [InlineData("--turns", "0")]
    [InlineData("--turns", "10001")]
    [InlineData("--turns", "ten")]
    [InlineData("--p95-budget-ms", "0")]
    [InlineData("--p95-budget-ms", "-5")]
    [InlineData("--timeout", "0")]
    [InlineData("--concept", " ")]
    [InlineData("--no-such-option", "1")]
    public async Task Bench_BadOption_ExitsThreeWithoutSendingAnything(string option, string value)
    {
        using var handler = new FixedAnswer(HttpStatusCode.OK, "{}");

        var run = await BenchRun.RunAsync(handler, Server, option, value);

        run.AssertFailed(ExitCodes.Usage, "");
        Assert.Equal(0, handler.Requests);
    }

    [Theory]
    [InlineData("ftp://localhost")]
    [InlineData("localhost:5000")]
    [InlineData("not a url")]
    public async Task Bench_UrlNotHttp_ExitsThree(string url)
    {
        var run = await BenchRun.RunAsync(null, url);

        run.AssertFailed(ExitCodes.Usage, "The URL must be http(s)");
    }

    [Fact]
    public async Task Bench_NoUrl_ExitsThree()
    {
        var run = await BenchRun.RunAsync(null);

        run.AssertFailed(ExitCodes.Usage, "Required argument missing");
    }

    private sealed class FixedAnswer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}

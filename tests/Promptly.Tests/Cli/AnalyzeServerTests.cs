using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Promptly.Analytics;
using Promptly.Cli;
using Promptly.Load;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly analyze --server</c> against the in-memory server, and against servers that fail.</summary>
public sealed class AnalyzeServerTests(SeededAnalytics data) : IClassFixture<SeededAnalytics>
{
    private const string Server = "http://localhost";

    private Task<AnalyzeRun> AnalyzeAsync(params string[] args) =>
        AnalyzeRun.RunAsync(data.Factory.Server.CreateHandler(), ["--server", Server, .. data.Window, .. args]);

    [Fact]
    public async Task AnalyzeServer_NoSectionFlag_PrintsTheApiFigures()
    {
        var run = await AnalyzeAsync();

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        ApiFigures.AssertSummary(run, await data.ApiAsync("summary"));
        ApiFigures.AssertPhases(run, await data.ApiAsync("by-phase"));
        ApiFigures.AssertBottlenecks(run, await data.ApiAsync("bottlenecks"));
        ApiFigures.AssertRecommendations(run, await data.ApiAsync("recommendations"));
    }

    [Fact]
    public async Task AnalyzeServer_HourlyTrendsAsJson_EqualTheApiAnswer()
    {
        var run = await AnalyzeAsync("--trends", "--interval", "hour", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var api = await data.ApiAsync("trends", "&interval=hour");
        Assert.Equal("hour", api["interval"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(run.Output)!["trends"]), run.Output);
    }

    [Fact]
    public async Task AnalyzeServer_AndLocal_PrintTheSameReport()
    {
        var server = await AnalyzeAsync("--summary", "--phase", "--bottlenecks", "--trends", "--recommendations");
        var local = await AnalyzeRun.RunAsync(["--data-folder", data.Factory.DataFolder, .. data.Window, "--summary", "--phase", "--bottlenecks", "--trends", "--recommendations"]);

        Assert.True(server.ExitCode == 0, server.Error);
        Assert.Equal(local.Output, server.Output);
    }

    [Fact]
    public async Task ServerSource_RequestTheServerRefuses_ThrowsInvalidWithTheProblemDetail()
    {
        await using var source = ServerAnalyticsSource.Create(new Uri(Server + "/"), data.Factory.Server.CreateHandler(), Support.PromptlyFactory.OperatorKey);

        var e = await Assert.ThrowsAsync<CommandException>(() => source.SummaryAsync(new AnalyticsRequest(Days: 0), CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Equal($"'days' must be a whole number from 1 to {AnalyticsRequest.MaxDays}.", e.Message);
    }

    [Fact]
    public async Task AnalyzeServer_ProblemAnswer_ExitsOneWithItsDetail()
    {
        using var handler = new FixedAnswer(HttpStatusCode.BadRequest, """{"title":"Invalid request","status":400,"detail":"'source' is not known here."}""",
            "application/problem+json");

        var run = await AnalyzeRun.RunAsync(handler, "--server", Server, "--summary");

        run.AssertFailed(ExitCodes.Usage, "'source' is not known here.");
    }

    [Fact]
    public async Task AnalyzeServer_ServerError_ExitsTwoInOneLine()
    {
        using var handler = new FixedAnswer(HttpStatusCode.InternalServerError, "{\"title\":\"Boom\",\"status\":500,\"detail\":\"The database\\ncannot be opened.\"}",
            "application/problem+json");

        var run = await AnalyzeRun.RunAsync(handler, "--server", Server, "--summary");

        run.AssertFailed(ExitCodes.Unavailable, "500");
        Assert.Contains("The database cannot be opened.", run.Error);
    }

    [Fact]
    public async Task AnalyzeServer_NotPromptly_ExitsTwo()
    {
        using var handler = new FixedAnswer(HttpStatusCode.OK, "<html>hello</html>", "text/html");

        var run = await AnalyzeRun.RunAsync(handler, "--server", Server, "--summary");

        run.AssertFailed(ExitCodes.Unavailable, "is not a Promptly summary report");
    }

    [Fact]
    public async Task AnalyzeServer_Unreachable_ExitsTwoInOneLine()
    {
        // A port that was just free and is closed again: the connection is refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await AnalyzeRun.RunAsync($"--server", $"http://127.0.0.1:{port}", "--summary");

        run.AssertFailed(ExitCodes.Unavailable, $"http://127.0.0.1:{port}/ could not be reached");
    }

    private sealed class FixedAnswer(HttpStatusCode status, string body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
    }
}

using System.Text.Json.Nodes;
using Promptly.Tests.Interviews;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly analyze --interviews</c>, locally and against a server: the figures of <c>GET /api/interviews/stats</c>.</summary>
public sealed class AnalyzeInterviewsTests : IAsyncLifetime
{
    private readonly PromptlyFactory _server = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _server.CreateClient();
        var completed = (await _client.StartAsync("software_engineer_practice")).Id();
        foreach (var answer in InterviewApiTests.ThoroughAnswers) await _client.TurnAsync(completed, answer);
        var ended = (await _client.StartAsync("oat_milk_v1")).Id();
        await _client.PostJsonAsync($"/sessions/{ended}/end", new { });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnalyzeInterviews_Json_PrintsTheApiFigures(bool server)
    {
        var run = await AnalyzeAsync(server, "--interviews", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var printed = JsonNode.Parse(run.Output)!.AsObject();
        Assert.Equal(["interviews"], printed.Select(p => p.Key));
        var api = await _client.GetJsonAsync("/api/interviews/stats");
        // The window ends when each was read; the figures are the same.
        foreach (var key in new[] { "days", "abandon_after_minutes", "total", "guides" })
        {
            Assert.True(JsonNode.DeepEquals(api[key], printed["interviews"]![key]), $"{key}:\n{printed["interviews"]![key]}\nAPI:\n{api[key]}");
        }

        Assert.Equal(1, api["total"]!["completed"]!.GetValue<int>());
        Assert.Equal(1, api["total"]!["abandoned"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnalyzeInterviews_Console_PrintsARowPerGuideAndTypeAndTheTotal()
    {
        var run = await AnalyzeAsync(server: true, "--interviews");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("INTERVIEWS", run.Output);
        Assert.Equal(["oat_milk_v1", "PRACTICE", "1", "0", "1", "0", "0.0%"], run.Row("oat_milk_v1")[..7]);
        Assert.Equal(["software_engineer_practice", "PRACTICE", "1", "1", "0", "0", "100.0%"], run.Row("software_engineer_practice")[..7]);
        Assert.Equal(["all", "all", "2", "1", "1", "0", "50.0%"], run.Row("all")[..7]);
    }

    [Fact]
    public async Task AnalyzeInterviews_Report_HasAnInterviewsTable()
    {
        var path = Path.Combine(PromptlyFactory.NewDataFolder(), "report.md");

        var run = await AnalyzeAsync(server: false, "--interviews", "--output", path);

        Assert.True(run.ExitCode == 0, run.Error);
        var markdown = await File.ReadAllTextAsync(path);
        Assert.Contains("## Interviews", markdown);
        Assert.Contains("| all | all | 2 | 1 | 1 | 0 | 50.0% |", markdown);
    }

    private Task<AnalyzeRun> AnalyzeAsync(bool server, params string[] args) => server
        ? AnalyzeRun.RunAsync(_server.Server.CreateHandler(), ["--server", "http://localhost", .. args])
        : AnalyzeRun.RunAsync(["--data-folder", _server.DataFolder, .. args]);
}

using System.Globalization;
using System.Text.Json.Nodes;
using Promptly.Cli;
using Promptly.Latency;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary>
/// <c>promptly analyze</c> over text and voice responses: voice is the source <c>voice</c> with its own phases in the
/// terminal, JSON and Markdown, read from the local database and from a server alike.
/// </summary>
public sealed class AnalyzeVoiceTests(AnalyzeVoiceTests.SeededVoice data) : IClassFixture<AnalyzeVoiceTests.SeededVoice>, IDisposable
{
    private const string Server = "http://localhost";

    private readonly string _folder = Directory.CreateTempSubdirectory("promptly-voice-report-").FullName;

    private Task<AnalyzeRun> LocalAsync(params string[] args) => AnalyzeRun.RunAsync(["--data-folder", data.Factory.DataFolder, .. data.Window, .. args]);

    private Task<AnalyzeRun> ServerAsync(params string[] args) =>
        AnalyzeRun.RunAsync(data.Factory.Server.CreateHandler(), ["--server", Server, .. data.Window, .. args]);

    [Fact]
    public async Task Analyze_SourceVoice_PrintsTheVoicePhasesWithTheApiFigures()
    {
        var run = await LocalAsync("--source", "voice", "--summary", "--phase");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(run.OutputLines, l => l.Contains(", source voice (exact, from every run)", StringComparison.Ordinal));
        ApiFigures.AssertSummary(run, await data.ApiAsync("summary", "&source=voice"));
        var phases = await data.ApiAsync("by-phase", "&source=voice");
        Assert.True(SeededVoice.VoicePhases.SetEquals(phases["phases"]!.AsArray().Select(p => p!["phase"]!.GetValue<string>())));
        ApiFigures.AssertPhases(run, phases);
        Assert.Equal(Figures.Count(SeededVoice.Voice), run.Row("Runs")[^1]);
    }

    [Fact]
    public async Task Analyze_SourceVoiceAsJson_LocalAndServerPrintTheApiReports()
    {
        string[] args = ["--source", "voice", "--json", "--summary", "--phase", "--bottlenecks", "--recommendations"];
        var local = await LocalAsync(args);
        var server = await ServerAsync(args);

        Assert.True(local.ExitCode == 0, local.Error);
        Assert.True(server.ExitCode == 0, server.Error);
        var printed = JsonNode.Parse(local.Output)!.AsObject();
        foreach (var (key, analysis) in new[] { ("summary", "summary"), ("by_phase", "by-phase"), ("bottlenecks", "bottlenecks"), ("recommendations", "recommendations") })
        {
            var api = await data.ApiAsync(analysis, "&source=voice");
            Assert.True(JsonNode.DeepEquals(api, printed[key]), $"{key}:\n{printed[key]}\nAPI:\n{api}");
        }

        Assert.True(JsonNode.DeepEquals(printed, JsonNode.Parse(server.Output)), server.Output);
        Assert.Equal("voice", printed["summary"]!["scope"]!["source"]!.GetValue<string>());
        Assert.All(printed["recommendations"]!["recommendations"]!.AsArray(), r => Assert.Equal("voice", r!["source"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Analyze_AllSources_RecommendsForVoiceApartFromText()
    {
        var local = await LocalAsync("--recommendations");
        var server = await ServerAsync("--recommendations");

        Assert.True(local.ExitCode == 0, local.Error);
        Assert.Equal(local.Output, server.Output);
        // Voice responses (about 2.9 to 3.4 s) are over the budget of 2 s; text ones (about 0.2 s) are not.
        Assert.Contains(local.OutputLines, l => l.StartsWith("1. source voice: ", StringComparison.Ordinal) && l.Contains($"→ target {Figures.Ms(2000)}", StringComparison.Ordinal));
        Assert.Contains(local.OutputLines, l => l.Contains($"phase {LatencyPhases.Stt} of voice", StringComparison.Ordinal));
        Assert.DoesNotContain(local.OutputLines, l => l.Contains("source interview", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_SourceVoice_HasTheVoicePhasesTable()
    {
        var path = Path.Combine(_folder, "voice.md");

        var run = await ServerAsync("--source", "voice", "--phase", "--output", path);

        Assert.True(run.ExitCode == 0, run.Error);
        var markdown = await File.ReadAllTextAsync(path);
        Assert.Contains(", source voice (exact, from every run).", markdown);
        var api = (await data.ApiAsync("by-phase", "&source=voice"))["phases"]!.AsArray();
        foreach (var name in SeededVoice.VoicePhases)
        {
            var phase = api.Single(p => p!["phase"]!.GetValue<string>() == name)!;
            Assert.Contains($"| {name.Replace("_", "\\_", StringComparison.Ordinal)} | {Figures.Number(phase["p50_ms"]!.GetValue<double>())} |", markdown);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// A server with 20 voice responses over its budget and 10 text ones within it, from the last hour, and the window
    /// that holds them. The budget is the default: local reads take it from their own configuration, not the server's.
    /// </summary>
    public sealed class SeededVoice : IAsyncLifetime
    {
        public const int Voice = 20;

        public static readonly HashSet<string> VoicePhases = [.. StoredResponses.VoicePhases.Select(p => p.Name)];

        public PromptlyFactory Factory { get; } = new();

        public string[] Window { get; private set; } = [];

        private string _query = "";

        public async Task InitializeAsync()
        {
            var start = DateTimeOffset.UtcNow.AddMinutes(-30);
            string Time(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            Window = ["--from", Time(start.AddMinutes(-1)), "--to", Time(start.AddMinutes(10))];
            _query = $"from={Uri.EscapeDataString(Window[1])}&to={Uri.EscapeDataString(Window[3])}";
            await Factory.Services.SaveAsync(StoredResponses.Series(LatencyChannels.Voice, Voice, start, factor: 2));
            await Factory.Services.SaveAsync(StoredResponses.Series(LatencyChannels.Text, 10, start.AddMinutes(1)));
        }

        /// <summary>The API's answer for one analysis over the window.</summary>
        public Task<JsonObject> ApiAsync(string analysis, string extra) =>
            Factory.CreateClient().GetJsonAsync($"/api/latency-analytics/{analysis}?{_query}{extra}");

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }
}

using System.Text.Json.Nodes;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly analyze</c> over the local database, compared with what the API answers for the same data.</summary>
public sealed class AnalyzeLocalTests(SeededAnalytics data) : IClassFixture<SeededAnalytics>
{
    private Task<AnalyzeRun> AnalyzeAsync(params string[] args) => AnalyzeRun.RunAsync(["--data-folder", data.Factory.DataFolder, .. data.Window, .. args]);

    [Fact]
    public async Task Analyze_NoSectionFlag_PrintsSummaryPhasesBottlenecksAndRecommendationsWithTheApiFigures()
    {
        var run = await AnalyzeAsync();

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        foreach (var heading in new[] { "LATENCY ANALYSIS REPORT", "SUMMARY", "PHASE BREAKDOWN", "BOTTLENECKS", "OPTIMIZATION OPPORTUNITIES" })
        {
            Assert.Contains(run.OutputLines, l => l.Contains(heading, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("TRENDS", run.Output);
        ApiFigures.AssertSummary(run, await data.ApiAsync("summary"));
        ApiFigures.AssertPhases(run, await data.ApiAsync("by-phase"));
        ApiFigures.AssertBottlenecks(run, await data.ApiAsync("bottlenecks"));
        ApiFigures.AssertRecommendations(run, await data.ApiAsync("recommendations"));
        Assert.Contains(run.OutputLines, l => l.Contains("(exact, from every run)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_TrendsFlag_PrintsOnlyTheTrendsWithTheApiFigures()
    {
        var run = await AnalyzeAsync("--trends");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("TRENDS", run.Output);
        Assert.DoesNotContain("SUMMARY", run.Output);
        Assert.DoesNotContain("PHASE BREAKDOWN", run.Output);
        ApiFigures.AssertTrends(run, await data.ApiAsync("trends", "&interval=day"));
    }

    [Fact]
    public async Task Analyze_ThresholdGiven_BottlenecksUseIt()
    {
        var run = await AnalyzeAsync("--bottlenecks", "--threshold", "15000");

        Assert.True(run.ExitCode == 0, run.Error);
        var api = await data.ApiAsync("bottlenecks", "&threshold_ms=15000");
        Assert.Equal(15000, api["threshold_ms"]!.GetValue<double>());
        ApiFigures.AssertBottlenecks(run, api);
        var over = api["bottlenecks"]!.AsArray().Select(b => b!.AsObject()).ToArray();
        Assert.Contains(over, b => b["phase"]!.GetValue<string>() == "Build");
        Assert.DoesNotContain(over, b => b["phase"]!.GetValue<string>() is "Plan" or "Lint");
        Assert.All(over, b => Assert.True(b["p95_ms"]!.GetValue<double>() > 15000));
        foreach (var b in over) Assert.Equal(b["phase"]!.GetValue<string>(), run.Row(b["phase"]!.GetValue<string>())[0]);
    }

    [Fact]
    public async Task Analyze_Json_PrintsTheApiReportsUnchanged()
    {
        var run = await AnalyzeAsync("--json", "--summary", "--phase", "--bottlenecks", "--trends", "--recommendations");

        Assert.True(run.ExitCode == 0, run.Error);
        var printed = JsonNode.Parse(run.Output)!.AsObject();
        Assert.Equal(["summary", "by_phase", "bottlenecks", "trends", "recommendations"], printed.Select(p => p.Key));
        foreach (var (key, analysis) in new[] { ("summary", "summary"), ("by_phase", "by-phase"), ("bottlenecks", "bottlenecks"), ("trends", "trends"), ("recommendations", "recommendations") })
        {
            var api = await data.ApiAsync(analysis);
            Assert.True(JsonNode.DeepEquals(api, printed[key]), $"{key}:\n{printed[key]}\nAPI:\n{api}");
        }

        Assert.Equal(SeededAnalytics.Runs, printed["summary"]!["total_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Analyze_SourceWithoutRuns_SaysThereAreNoRuns()
    {
        var run = await AnalyzeAsync("--source", "deploy");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("No runs in this window.", run.OutputLines);
        Assert.DoesNotContain(run.OutputLines, l => l.StartsWith("p95 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_DataFolderFromConfiguration_IsUsedWhenNotGiven()
    {
        // No --data-folder: Storage:DataFolder comes from the configuration, here from the environment as Storage__DataFolder.
        var run = await ProcessRun.AnalyzeAsync(new Dictionary<string, string> { ["Storage__DataFolder"] = data.Factory.DataFolder },
            ["--summary", "--json", .. data.Window]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(JsonNode.DeepEquals(await data.ApiAsync("summary"), JsonNode.Parse(run.Output)!["summary"]), run.Output);
    }

    [Fact]
    public async Task Analyze_ServerConfiguredForPostgres_RefusesTheLocalReadNamingServer()
    {
        var run = await ProcessRun.AnalyzeAsync(new Dictionary<string, string> { ["Storage__Provider"] = "postgres" }, ["--summary"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--server URL", run.Error);
    }
}

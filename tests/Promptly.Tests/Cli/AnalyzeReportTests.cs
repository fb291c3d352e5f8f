using Promptly.Cli;
using Promptly.Tests.Support;

namespace Promptly.Tests.Cli;

/// <summary><c>promptly analyze --report</c>: Markdown with the figures, and PNG charts next to it.</summary>
public sealed class AnalyzeReportTests(SeededAnalytics data) : IClassFixture<SeededAnalytics>, IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Directory.CreateTempSubdirectory("promptly-report-").FullName;

    [Fact]
    public async Task Report_WithRuns_WritesMarkdownTablesAndLinkedPngCharts()
    {
        var path = Path.Combine(_folder, "latency_report.md");

        var run = await AnalyzeRun.RunAsync(["--data-folder", data.Factory.DataFolder, .. data.Window, "--report", "--output", path]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal($"Report written to {path}, charts in {Path.Combine(_folder, "latency_report_files")}", run.Output.Trim());
        var markdown = await File.ReadAllTextAsync(path);
        foreach (var heading in new[] { "# Latency analysis report", "## Summary", "## Phase breakdown", "## Bottlenecks", "## Trends", "## Optimization opportunities" })
        {
            Assert.Contains(heading + "\n", markdown);
        }

        var summary = await data.ApiAsync("summary");
        Assert.Contains($"| p95 | {Figures.Ms(summary["p95_ms"]!.GetValue<double>())} |", markdown);
        Assert.Contains($"| Runs | {SeededAnalytics.Runs} |", markdown);
        var build = (await data.ApiAsync("by-phase"))["phases"]!.AsArray().Single(p => p!["phase"]!.GetValue<string>() == "Build")!;
        Assert.Contains($"| Build | {Figures.Number(build["p50_ms"]!.GetValue<double>())} | {Figures.Number(build["p95_ms"]!.GetValue<double>())} |", markdown);

        foreach (var chart in new[] { "trend.png", "phases.png" })
        {
            Assert.Contains($"](latency_report_files/{chart})", markdown);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, "latency_report_files", chart));
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.True(bytes.Length > 5_000, $"{chart} is only {bytes.Length} bytes");
        }
    }

    [Fact]
    public async Task Report_SectionFlag_HoldsOnlyThatSection()
    {
        var path = Path.Combine(_folder, "phases only.md");

        var run = await AnalyzeRun.RunAsync(["--data-folder", data.Factory.DataFolder, .. data.Window, "--phase", "--output", path]);

        Assert.True(run.ExitCode == 0, run.Error);
        var markdown = await File.ReadAllTextAsync(path);
        Assert.Contains("## Phase breakdown", markdown);
        Assert.DoesNotContain("## Summary", markdown);
        Assert.DoesNotContain("## Trends", markdown);
        Assert.Contains("](phases%20only_files/phases.png)", markdown);
        Assert.True(File.Exists(Path.Combine(_folder, "phases only_files", "phases.png")));
        Assert.False(File.Exists(Path.Combine(_folder, "phases only_files", "trend.png")));
    }

    [Fact]
    public async Task Report_NoRuns_SaysSoAndWritesNoCharts()
    {
        string emptyFolder;
        // A folder of this test's own: the server's data must outlive the server.
        await using (var empty = new PromptlyFactory(dataFolder: Path.Combine(_folder, "empty-data")))
        {
            // Starting the server creates the database; nothing is ingested.
            (await empty.CreateClient().GetAsync("/health")).EnsureSuccessStatusCode();
            emptyFolder = empty.DataFolder;
        }

        var path = Path.Combine(_folder, "empty.md");
        var run = await AnalyzeRun.RunAsync("--data-folder", emptyFolder, "--report", "--output", path);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("(no charts: no runs in the window)", run.Output);
        var markdown = await File.ReadAllTextAsync(path);
        Assert.Contains("## Summary\n\nNo runs in this window.", markdown);
        Assert.Contains("## Phase breakdown\n\nNo runs in this window.", markdown);
        Assert.Contains("## Trends\n\nNo runs in this window.", markdown);
        Assert.DoesNotContain(".png", markdown);
        Assert.False(Directory.Exists(Path.Combine(_folder, "empty_files")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

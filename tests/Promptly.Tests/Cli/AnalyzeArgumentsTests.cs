using Promptly.Analytics;
using Promptly.Load;

namespace Promptly.Tests.Cli;

/// <summary>Arguments the analytics would refuse are refused before any data is read: exit 1 and one line.</summary>
public sealed class AnalyzeArgumentsTests
{
    // Every run here names a data folder that does not exist: a run that got past its arguments would exit 2.
    private static readonly string Missing = Path.Combine(Path.GetTempPath(), "promptly-tests", "missing-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("'days' must be a whole number from 1 to 3650.", "--days", "0")]
    [InlineData("'days' must be a whole number, not 'seven'.", "--days", "seven")]
    [InlineData("'from' (2026-11-25T00:00:00.0000000+00:00) is after 'to' (2026-11-01T00:00:00.0000000+00:00).", "--from", "2026-11-25", "--to", "2026-11-01")]
    [InlineData("Give either 'days' or 'from'/'to', not both.", "--days", "3", "--from", "2026-11-01")]
    [InlineData("'from' (9000-01-01T00:00:00.0000000+00:00) is in the future; a window without 'to' ends now", "--from", "9000-01-01")]
    [InlineData("'from' must be an ISO 8601 time", "--from", "yesterday")]
    [InlineData("'interval' must be 'day' or 'hour', not 'week'.", "--trends", "--interval", "week")]
    [InlineData("Hourly trends cover at most 31 days", "--trends", "--interval", "hour", "--days", "40")]
    [InlineData("'threshold' must be greater than 0", "--threshold", "-5")]
    [InlineData("'source' must be 1 to 64 letters", "--source", "ci/main")]
    [InlineData("--server must be an http(s) URL", "--server", "ftp://example.com")]
    [InlineData("Give either --json or --report, not both.", "--json", "--report")]
    [InlineData("Unrecognized command or argument '--weekly'", "--weekly")]
    public async Task Analyze_BadArgument_ExitsOneWithOneLine(string message, params string[] args)
    {
        var run = await AnalyzeRun.RunAsync(["--data-folder", Missing, .. args]);

        run.AssertFailed(ExitCodes.Usage, message);
    }

    [Fact]
    public async Task Analyze_ServerAndDataFolder_ExitsOne()
    {
        var run = await AnalyzeRun.RunAsync("--server", "http://localhost:5000", "--data-folder", Missing);

        run.AssertFailed(ExitCodes.Usage, "Give either --server or --data-folder, not both.");
    }

    [Fact]
    public async Task Analyze_HourlyTrendsOfTheLongestWindow_AreNotRefused()
    {
        var run = await AnalyzeRun.RunAsync("--data-folder", Missing, "--trends", "--interval", "hour", "--days", $"{AnalyticsRequest.MaxHourlyTrendDays - 1}");

        // Past the arguments: only the missing database stops it.
        run.AssertFailed(ExitCodes.Unavailable, "There is no Promptly database");
    }

    [Fact]
    public async Task Analyze_MissingDataFolder_ExitsTwoAndCreatesNothing()
    {
        var run = await AnalyzeRun.RunAsync("--data-folder", Missing, "--summary");

        run.AssertFailed(ExitCodes.Unavailable, $"There is no Promptly database at {Path.Combine(Missing, "promptly.db")}");
        Assert.False(Directory.Exists(Missing));
    }

    [Fact]
    public async Task Help_ListsTheOptions()
    {
        var run = await AnalyzeRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--summary", "--phase", "--bottlenecks", "--trends", "--recommendations", "--report", "--output", "--days", "--from", "--to",
                     "--source", "--interview-type", "--threshold", "--interval", "--server", "--data-folder", "--json" })
        {
            Assert.Contains(option, run.Output);
        }
    }

    [Fact]
    public async Task Program_AnalyzeWithBadArguments_ExitsOneWithOneLine()
    {
        var run = await ProcessRun.AnalyzeAsync(null, "--days", "0");

        run.AssertFailed(ExitCodes.Usage, "'days' must be a whole number from 1 to 3650.");
    }
}

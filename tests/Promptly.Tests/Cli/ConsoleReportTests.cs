using Promptly.Analytics;
using Promptly.Cli;

namespace Promptly.Tests.Cli;

/// <summary>The terminal rendering of reports the store cannot easily be made to produce.</summary>
public sealed class ConsoleReportTests
{
    private static readonly AnalyticsScope Scope = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 4, 0, 0, 0, TimeSpan.Zero),
        "ci", null, Exact: false, BudgetThresholdMs: 2000);

    private static string Render(AnalysisResults results, int width = 200)
    {
        using var output = new StringWriter();
        ConsoleReport.Write(CliContext.Over(output, TextWriter.Null, width: width).Out, results);
        return output.ToString();
    }

    // The longest phase names the server writes, with a busy week's figures: a terminal's 80 columns still hold a row.
    [Fact]
    public void Phases_VoicePhaseNamesInEightyColumns_OneRowEachUnwrapped()
    {
        string[] names = ["tts_first_audio", "ai_first_token", "eot_wait", "stt"];
        var phases = names.Select(n => new PhaseStats(n, 354.2, 1472.9, 2234.5, 400.1, 0.123, 9345.6, 345.6, 123_456, 0.234)).ToArray();

        var run = new AnalyzeRun(0, Render(new AnalysisResults(null, new PhaseBreakdown(Scope with { Source = "voice" }, 123_456, 2000, phases), null, null, null), width: 80), "");

        Assert.All(run.OutputLines, l => Assert.True(l.Length <= 80, l));
        foreach (var name in names)
        {
            Assert.Equal([name, "354", "1,473", "2,235", "400", "0.123", "9,346", "346", "123,456", "23.4%"], run.Row(name));
        }
    }

    [Fact]
    public void Trends_RegressionPoint_IsMarkedOnItsRowOnly()
    {
        var trends = new TrendReport(Scope, "day", 1.25,
        [
            new TrendPoint(Scope.From, 30, 100, 200, 0.9, null, false),
            new TrendPoint(Scope.From.AddDays(1), 0, null, null, null, 200, false),
            new TrendPoint(Scope.From.AddDays(2), 25, 150, 400, 0.5, 200, true),
        ], []);
        var run = new AnalyzeRun(0, Render(new AnalysisResults(null, null, null, trends with { Regressions = [trends.Points[2]] }, null)), "");

        Assert.Equal(["2026-11-01", "30", "100", "200", "90.0%", "–"], run.Row("2026-11-01"));
        Assert.Equal(["2026-11-02", "0", "–", "–", "–", "200"], run.Row("2026-11-02"));
        Assert.Equal(["2026-11-03", "25", "150", "400", "50.0%", "200", "REGRESSION"], run.Row("2026-11-03"));
        Assert.Single(run.OutputLines, l => l.Contains("REGRESSION", StringComparison.Ordinal));
        Assert.Contains("1 regression(s): p95 over 1.25× the baseline of the intervals before.", run.OutputLines);
    }

    [Fact]
    public void Summary_FromDigests_SaysSoInTheScope()
    {
        var summary = new LatencySummary(Scope, 10, 1500, 1400, 1900, 2100, 2500, 900, 2600, 8, 1, 0.8, 0.9, false, "Build", 1200);

        var text = Render(new AnalysisResults(summary, null, null, null, null));

        Assert.Contains("2026-11-01 00:00 to 2026-11-04 00:00 UTC, source ci (from digests, percentiles within 0.39%)", text);
        Assert.Contains("80.0% within budget, target 90.0%: MISSED", text);
    }

    [Fact]
    public void Text_FromTheData_IsNotReadAsMarkup()
    {
        var recommendation = new Recommendation("phase", "ci", "[red]Build[/]", 500, 250, 50, ["Cache [the] deps."]);

        var text = Render(new AnalysisResults(null, null, null, null, new RecommendationReport(Scope, [recommendation])));

        Assert.Contains("1. phase [red]Build[/] of ci: p95 500 ms → target 250 ms (50.0% faster)", text);
        Assert.Contains("- Cache [the] deps.", text);
    }
}

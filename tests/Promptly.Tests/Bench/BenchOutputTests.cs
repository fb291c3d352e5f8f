using System.Text.Json.Nodes;
using Promptly.Bench;
using Promptly.Cli;
using Promptly.Tests.Cli;

namespace Promptly.Tests.Bench;

/// <summary>The figures of a run, and the table and JSON that show them, from known timings.</summary>
public sealed class BenchOutputTests
{
    // Client 1..20 ms, server a tenth of that: every figure is known.
    private static readonly TurnTiming[] Timings = [.. Enumerable.Range(1, 20).Select(i => new TurnTiming(i, i / 10.0))];

    private static readonly BenchArguments Arguments = new(new Uri("http://127.0.0.1:5080/"), 20, 20, "software_engineer_practice", TimeSpan.FromSeconds(30), Json: false);

    [Fact]
    public void From_KnownTimings_HasNumpyLinearPercentiles()
    {
        var result = BenchResult.From(Arguments, Timings, ["a"]);

        // numpy.percentile(range(1, 21), [50, 95, 99]) = 10.5, 19.05, 19.81
        Assert.Equal(new BenchFigures(10.5, 10.5, 19.05, 19.81, 1, 20), result.Client);
        Assert.Equal(new BenchFigures(1.05, 1.05, 1.905, 1.981, 0.1, 2), result.Server);
        Assert.Equal(9.45, result.MedianOverheadMs);
        Assert.Equal(20, result.Turns);
    }

    [Theory]
    [InlineData(19.05, true)]
    [InlineData(19.04, false)]
    public void From_P95AtTheBudget_IsWithin(double budgetMs, bool within)
    {
        var result = BenchResult.From(Arguments with { P95BudgetMs = budgetMs }, Timings, ["a"]);

        Assert.Equal(within, result.WithinBudget);
    }

    [Fact]
    public void WriteJsonAndTable_SameResult_ShowTheSameFigures()
    {
        var result = BenchResult.From(Arguments, Timings, ["a", "b"]);
        using var table = new StringWriter();
        using var json = new StringWriter();

        BenchOutput.WriteTable(CliContext.Over(table, TextWriter.Null).Out, result);
        BenchOutput.WriteJson(json, result);

        var run = new BenchRun(0, table.ToString(), "");
        var parsed = JsonNode.Parse(json.ToString())!;
        Assert.Equal(run.Row("Turns")[1], parsed["turns"]!.ToString());
        foreach (var (figure, field) in new[] { ("Average", "average_ms"), ("Median", "median_ms"), ("p95", "p95_ms"), ("p99", "p99_ms"), ("Min", "min_ms"), ("Max", "max_ms") })
        {
            Assert.Equal(run.Row(figure)[1], BenchOutput.Ms(parsed["client"]![field]!.GetValue<double>()));
            Assert.Equal(run.Row(figure)[2], BenchOutput.Ms(parsed["server"]![field]!.GetValue<double>()));
        }

        Assert.Contains($"(client minus server, per turn): {BenchOutput.Ms(parsed["median_overhead_ms"]!.GetValue<double>())} ms", run.Output);
        Assert.True(parsed["within_budget"]!.GetValue<bool>());
        Assert.Contains("PASS: client p95 19.05 ms is within the budget of 20 ms", run.Output);
        Assert.Equal(2, parsed["sessions"]!.GetValue<int>());
        Assert.Equal(["a", "b"], parsed["session_ids"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("http://127.0.0.1:5080/", parsed["url"]!.GetValue<string>());
    }
}

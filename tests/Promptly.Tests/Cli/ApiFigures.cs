using System.Text.Json.Nodes;
using Promptly.Cli;

namespace Promptly.Tests.Cli;

/// <summary>Asserts that the tables a run printed hold the API's figures, written as the command writes them.</summary>
public static class ApiFigures
{
    public static void AssertSummary(AnalyzeRun run, JsonObject api)
    {
        Assert.Equal(Figures.Count(Long(api, "total_count")), run.Row("Runs")[^1]);
        foreach (var (label, field) in new[]
                 {
                     ("Average", "average_ms"), ("p50", "p50_ms"), ("p90", "p90_ms"), ("p95", "p95_ms"), ("p99", "p99_ms"), ("Min", "min_ms"), ("Max", "max_ms"),
                 })
        {
            Assert.Equal(Figures.Ms(Number(api, field)), string.Join(' ', run.Row(label)[^2..]));
        }

        var slowest = api["slowest_phase"]!.GetValue<string>();
        Assert.Equal($"Slowest phase {slowest} (average {Figures.Ms(Number(api, "slowest_phase_average_ms"))})", string.Join(' ', run.Row("Slowest")));
        Assert.Contains(Figures.Share(Number(api, "compliance_rate")) + " within budget", string.Join(' ', run.Row("Compliance")));
    }

    public static void AssertPhases(AnalyzeRun run, JsonObject api)
    {
        var phases = api["phases"]!.AsArray();
        Assert.NotEmpty(phases);
        foreach (var phase in phases.Select(p => p!.AsObject()))
        {
            var name = phase["phase"]!.GetValue<string>();
            string[] expected =
            [
                name, Figures.Number(Number(phase, "p50_ms")), Figures.Number(Number(phase, "p95_ms")), Figures.Number(Number(phase, "p99_ms")),
                Figures.Number(Number(phase, "average_ms")), Figures.Number(Number(phase, "min_ms")), Figures.Number(Number(phase, "max_ms")),
                Figures.Number(Number(phase, "std_dev_ms")), Figures.Count(Long(phase, "sample_count")), Figures.Share(Number(phase, "share_of_total")),
            ];
            Assert.Equal(expected, run.Row(name));
        }

        // Slowest p95 first, as the API sorts them.
        var printed = run.OutputLines.Select(l => l.Split(' ')[0]).Where(w => phases.Any(p => p!["phase"]!.GetValue<string>() == w)).Distinct().ToArray();
        Assert.Equal(phases.Select(p => p!["phase"]!.GetValue<string>()), printed);
    }

    public static void AssertBottlenecks(AnalyzeRun run, JsonObject api)
    {
        Assert.Contains($"Phases with p95 over {Figures.Ms(Number(api, "threshold_ms"))}:", run.OutputLines);
        var outliers = api["outliers"]!.AsObject();
        var sigma = run.OutputLines.Single(l => l.StartsWith("over mean + 2σ", StringComparison.Ordinal));
        Assert.EndsWith($"= {Figures.Ms(Number(outliers, "sigma_threshold_ms"))}): {Figures.Count(Long(outliers, "sigma_count"))}", sigma);
        var mad = run.OutputLines.Single(l => l.StartsWith("over median + 3.5", StringComparison.Ordinal));
        Assert.EndsWith($"{Figures.Ms(Number(outliers, "mad_threshold_ms"))}): {Figures.Count(Long(outliers, "mad_count"))}", mad);
        Assert.True(Long(outliers, "mad_count") > 0, "the seeded slow tests should be outliers");
        foreach (var b in api["bottlenecks"]!.AsArray().Select(b => b!.AsObject()))
        {
            var name = b["phase"]!.GetValue<string>();
            Assert.Contains($"{name}: {b["recommendation"]!.GetValue<string>()}", Flat(run));
        }
    }

    public static void AssertTrends(AnalyzeRun run, JsonObject api)
    {
        var points = api["points"]!.AsArray().Select(p => p!.AsObject()).Where(p => Long(p, "count") > 0).ToArray();
        Assert.NotEmpty(points);
        foreach (var p in points)
        {
            var day = Figures.Interval(p["start"]!.GetValue<DateTimeOffset>(), api["interval"]!.GetValue<string>());
            var row = run.Row(day);
            Assert.Equal([day, Figures.Count(Long(p, "count")), Figures.Number(Number(p, "p50_ms")), Figures.Number(Number(p, "p95_ms")),
                Figures.Share(Number(p, "compliance_rate"))], row[..5]);
        }
    }

    public static void AssertRecommendations(AnalyzeRun run, JsonObject api)
    {
        var recommendations = api["recommendations"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        Assert.NotEmpty(recommendations);
        var first = recommendations[0];
        var subject = first["phase"] is { } phase ? $"phase {phase.GetValue<string>()} of ci" : "source ci";
        var line = $"1. {subject}: p95 {Figures.Ms(Number(first, "current_p95_ms"))} → target {Figures.Ms(Number(first, "target_p95_ms"))}";
        Assert.Contains(run.OutputLines, l => l.StartsWith(line, StringComparison.Ordinal));
        foreach (var action in first["actions"]!.AsArray()) Assert.Contains($"- {action!.GetValue<string>()}", Flat(run));
    }

    // Long text wraps in the terminal: compare it as one line of single spaces.
    private static string Flat(AnalyzeRun run) => string.Join(' ', run.Output.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    private static double Number(JsonObject o, string field) => o[field]!.GetValue<double>();

    private static long Long(JsonObject o, string field) => o[field]!.GetValue<long>();
}

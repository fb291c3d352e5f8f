using System.Text;
using Spectre.Console;

namespace Promptly.Load;

/// <summary>The results of a run as tables: in the terminal (Spectre) and as a Markdown summary.</summary>
internal static class LoadReport
{
    private static readonly string[] ScenarioHeaders = ["Scenario", "Phase", "Count", "RPS", "p50", "p90", "p95", "p99", "Max", "Errors"];
    private static readonly string[] PhaseHeaders = ["Phase", "Target/s", "Sent", "RPS", "p50", "p95", "p99", "Errors", "Lag p99", "Lag max", "Budget"];
    private static readonly string[] CheckHeaders = ["Scenario", "Client n", "Server n", "p50", "p50 sent", "Server p50", "p95", "p95 sent", "Server p95", "Overhead p50"];

    public static void Write(IAnsiConsole console, LoadResult result)
    {
        console.WriteLine();
        console.Write(new Rule($"[bold]LOAD {Markup.Escape(result.Mode.ToUpperInvariant())}: {Markup.Escape(result.Server)}[/]").LeftJustified());
        console.MarkupLine("[grey]Latency in ms from each request's intended send time to the last byte of its answer; errors are not in the percentiles.[/]");
        console.Write(Table(ScenarioHeaders, ScenarioRows(result)));
        console.WriteLine();
        console.MarkupLine($"[bold]Phases[/] [grey](all scenarios; lag: how late the generator sent requests after their intended time; budget: every scenario's p95 ≤ {LoadFigures.Ms(result.P95BudgetMs)} ms, no errors and, with a rate, requests started on time)[/]");
        console.Write(Table(PhaseHeaders, PhaseRows(result)));
        console.MarkupLine(Markup.Escape(GeneratorLine(result)));
        console.MarkupLine(Markup.Escape(result.Stress is { } stress ? StressLine(stress, result.P95BudgetMs) : BudgetLine(result)));
        if (result.CrossCheck is { } check)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Cross-check[/] [grey](the same requests: client latency from the intended and from the actual send, and the server's latency.response_time_ms from each answer; overhead = p50 sent − server p50)[/]");
            console.Write(Table(CheckHeaders, CheckRows(check)));
            console.MarkupLine(Markup.Escape(AnalyticsLine(check)));
        }

        if (result.Verification is { } verification)
        {
            console.WriteLine();
            console.MarkupLine(Markup.Escape(VerificationLine(verification)));
            foreach (var problem in verification.Problems) console.MarkupLine($"  [red]{Markup.Escape(problem)}[/]");
        }
    }

    /// <summary>The verdict of <c>--verify</c>.</summary>
    public static string VerificationLine(StoredCheckResult v)
    {
        var read = $"{Counts.Format(v.Sessions)} sessions read back, {Counts.Format(v.AcknowledgedTurns)} turns acknowledged, {Counts.Format(v.StoredTurns)} stored";
        if (v.ProblemSessions > 0) return $"VERIFY FAILED: {Counts.Format(v.ProblemSessions)} sessions lost acknowledged turns or are stored out of order ({read}):";
        if (v.Unreadable > 0) return $"VERIFY INCOMPLETE: {Counts.Format(v.Unreadable)} sessions could not be read back ({read}); none of those read lost anything.";
        var extra = v.StoredTurns - v.AcknowledgedTurns;
        return $"VERIFIED: every acknowledged turn is stored once and in order ({read}"
            + (extra > 0 ? $"; {Counts.Format(extra)} stored whose answer the client did not receive, e.g. cut off by a timeout or a dying instance" : "") + ").";
    }

    public static string GeneratorLine(LoadResult r) =>
        $"Generator: {Counts.Format(r.Sent)} requests sent of {Counts.Format(r.Scheduled)} scheduled"
        + (r.Skipped > 0 ? $" ({Counts.Format(r.Skipped)} not sent: no session free)" : "")
        + $", at most {r.PeakInFlight} in flight (limit {r.MaxInFlight}), CPU {r.CpuSeconds:0.0} s = {r.CpuMicrosPerRequest:0} µs per request.";

    /// <summary>The verdict of an open or closed run: the budget kept in every phase, or the phases that missed it and why.</summary>
    public static string BudgetLine(LoadResult r) => r.BudgetKept
        ? $"PASS: every phase kept the budget (each scenario's p95 ≤ {LoadFigures.Ms(r.P95BudgetMs)} ms, no errors, rate reached)."
        : "FAIL: budget MISSED in " + string.Join("; ", r.Phases.Where(p => !p.WithinBudget).Select(p => $"{p.Name} ({p.MissedBecause})")) + ".";

    public static string StressLine(StressOutcome stress, double budgetMs) => stress.BreakingRate is { } rate
        ? $"Stress: broke at {LoadFigures.Rate(rate)}/s ({stress.BreakingPhase}: {stress.Reason}); last step that held (p95 ≤ {LoadFigures.Ms(budgetMs)} ms, no errors, rate reached): "
          + (stress.LastGoodRate is { } good ? $"{LoadFigures.Rate(good)}/s ({stress.LastGoodPhase})." : "none.")
        : $"Stress: every step up to {LoadFigures.Rate(stress.LastGoodRate ?? 0)}/s held (p95 ≤ {LoadFigures.Ms(budgetMs)} ms, no errors, rate reached); raise --max-rate to find the limit.";

    public static string AnalyticsLine(CrossCheck check) => check.Analytics is { } a
        ? $"Server analytics (source interview, {a.From:HH:mm:ss}–{a.To:HH:mm:ss} UTC, {(a.Exact ? "exact" : "from digests")}): {Counts.Format(a.ServerCount)} responses "
          + $"(the run received {Counts.Format(a.ClientCount)}), p50 {LoadFigures.Ms(a.ServerP50Ms)} ms, p95 {LoadFigures.Ms(a.ServerP95Ms)} ms, p99 {LoadFigures.Ms(a.ServerP99Ms)} ms."
        : $"Server analytics: {check.AnalyticsProblem ?? "not asked"}.";

    /// <summary>Writes the Markdown summary of <paramref name="result"/> to <paramref name="path"/>.</summary>
    public static async Task WriteMarkdownAsync(string path, LoadResult result, CancellationToken cancellationToken)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Load run: {result.Mode}, {result.Server}").AppendLine();
        md.AppendLine($"`{result.Command}`").AppendLine();
        md.AppendLine($"{result.StartedAt:yyyy-MM-dd HH:mm:ss} to {result.EndedAt:HH:mm:ss} UTC. Latency in ms from each request's intended send time to the last byte of its answer.").AppendLine();
        MarkdownTable(md, ScenarioHeaders, ScenarioRows(result));
        md.AppendLine().AppendLine($"Phases (lag: how late requests were sent after their intended time; budget: every scenario's p95 ≤ {LoadFigures.Ms(result.P95BudgetMs)} ms, no errors and, with a rate, requests started on time):").AppendLine();
        MarkdownTable(md, PhaseHeaders, PhaseRows(result));
        md.AppendLine().AppendLine(GeneratorLine(result));
        md.AppendLine().AppendLine(result.Stress is { } stress ? StressLine(stress, result.P95BudgetMs) : BudgetLine(result));
        if (result.CrossCheck is { } check)
        {
            md.AppendLine().AppendLine("Cross-check (the same requests: client latency from the intended and from the actual send, and the server's `latency.response_time_ms` from each answer; overhead = p50 sent − server p50):").AppendLine();
            MarkdownTable(md, CheckHeaders, CheckRows(check));
            md.AppendLine().AppendLine(AnalyticsLine(check));
        }

        if (result.Verification is { } verification)
        {
            md.AppendLine().AppendLine(VerificationLine(verification));
            foreach (var problem in verification.Problems) md.AppendLine($"- {problem}");
        }

        await File.WriteAllTextAsync(path, md.ToString(), cancellationToken);
    }

    private static IEnumerable<string[]> ScenarioRows(LoadResult result) => result.Scenarios.Select(r => new[]
    {
        r.Scenario, r.Phase, Counts.Format(r.Count), LoadFigures.Rate(r.Rps), LoadFigures.Ms(r.Latency.P50Ms), LoadFigures.Ms(r.Latency.P90Ms),
        LoadFigures.Ms(r.Latency.P95Ms), LoadFigures.Ms(r.Latency.P99Ms), LoadFigures.Ms(r.Latency.MaxMs), LoadFigures.Errors(r.ErrorCount, r.Errors),
    });

    private static IEnumerable<string[]> PhaseRows(LoadResult result) => result.Phases.Select(p => new[]
    {
        p.Name, p.TargetRate > 0 ? LoadFigures.Rate(p.TargetRate) : "closed", Counts.Format(p.Count), LoadFigures.Rate(p.Rps), LoadFigures.Ms(p.Latency.P50Ms),
        LoadFigures.Ms(p.Latency.P95Ms), LoadFigures.Ms(p.Latency.P99Ms), Counts.Format(p.ErrorCount), LoadFigures.Ms(p.LagP99Ms), LoadFigures.Ms(p.LagMaxMs),
        p.WithinBudget ? "kept" : "MISSED",
    });

    private static IEnumerable<string[]> CheckRows(CrossCheck check) => check.Rows.Select(r => new[]
    {
        r.Scenario, Counts.Format(r.ClientCount), Counts.Format(r.ServerCount), LoadFigures.Ms(r.ClientP50Ms), LoadFigures.Ms(r.SentP50Ms),
        LoadFigures.Ms(r.ServerP50Ms), LoadFigures.Ms(r.ClientP95Ms), LoadFigures.Ms(r.SentP95Ms), LoadFigures.Ms(r.ServerP95Ms), LoadFigures.Ms(r.OverheadP50Ms),
    });

    private static Table Table(string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Simple);
        for (var i = 0; i < headers.Length; i++)
        {
            // Figures never split over lines; the error kinds wrap instead.
            var column = new TableColumn(headers[i]);
            table.AddColumn(headers[i] switch
            {
                "Errors" => column.RightAligned(),
                "Scenario" or "Phase" => column.NoWrap(),
                _ => column.RightAligned().NoWrap(),
            });
        }

        foreach (var row in rows) table.AddRow([.. row.Select(cell => new Text(cell))]);
        return table;
    }

    private static void MarkdownTable(StringBuilder md, string[] headers, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", headers) + " |");
        md.AppendLine("|" + string.Join("|", headers.Select(h => h is "Scenario" or "Phase" ? "---" : "---:")) + "|");
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
    }
}

using HdrHistogram;
using Promptly.Latency;

namespace Promptly.Load;

/// <summary>Latency percentiles in ms; all 0 when nothing succeeded.</summary>
internal sealed record LatencyFigures(long Count, double P50Ms, double P90Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencyFigures From(HistogramBase h) => h.TotalCount == 0
        ? new LatencyFigures(0, 0, 0, 0, 0, 0, 0)
        : new LatencyFigures(h.TotalCount, Percentile(h, 50), Percentile(h, 90), Percentile(h, 95), Percentile(h, 99),
            Math.Round(h.GetMaxValue() / 1000.0, 3), Math.Round(h.GetMean() / 1000, 3));

    private static double Percentile(HistogramBase h, double percentile) => Math.Round(LatencyHistograms.ValueAtPercentileMs(h, percentile), 3);
}

/// <summary>One scenario in one phase (or, with phase <c>all</c>, over the whole run).</summary>
/// <param name="Count">Requests sent: successes and errors (skipped ones not included).</param>
/// <param name="Rps">Count over the phase's duration.</param>
/// <param name="Latency">Successful requests, from their intended send time to the last byte of the answer.</param>
/// <param name="ServiceLatency">The same requests from their actual send: without the generator's scheduling lag.</param>
/// <param name="ServerLatency">The server's own <c>latency.response_time_ms</c> of the same requests, where the answer has one.</param>
/// <param name="Skipped">Requests not sent because no session was available.</param>
internal sealed record ScenarioPhaseResult(
    string Scenario, string Kind, string Phase, long Count, double Rps, LatencyFigures Latency, LatencyFigures ServiceLatency, long ErrorCount,
    Dictionary<string, long> Errors, long Skipped, LatencyFigures? ServerLatency);

/// <summary>One phase, all scenarios together, and how late the generator sent its requests.</summary>
/// <param name="TargetRate">The rate asked for (0 for a closed run).</param>
/// <param name="LagP99Ms">99% of requests were sent within this long of their intended time.</param>
/// <param name="WithinBudget">The phase's <see cref="PhaseVerdict"/>: kept, or missed for <paramref name="MissedBecause"/>.</param>
internal sealed record PhaseResult(
    string Name, double DurationSeconds, double TargetRate, long Scheduled, long Count, double Rps, LatencyFigures Latency, long ErrorCount, bool WithinBudget,
    double LagP50Ms, double LagP99Ms, double LagMaxMs, string? MissedBecause = null);

/// <summary>The client's and the server's view of the same requests.</summary>
/// <param name="ClientP50Ms">From the intended send time, as in the main table.</param>
/// <param name="SentP50Ms">From the actual send: the client's view without its own scheduling lag.</param>
/// <param name="ServerCount">Responses that carried the server's <c>latency.response_time_ms</c>.</param>
internal sealed record CrossCheckRow(
    string Scenario, long ClientCount, long ServerCount, double ClientP50Ms, double SentP50Ms, double ServerP50Ms, double ClientP95Ms, double SentP95Ms, double ServerP95Ms)
{
    /// <summary>What the client saw beyond the server's own record at the median: network, HTTP, the commit after the record.</summary>
    public double OverheadP50Ms => Math.Round(SentP50Ms - ServerP50Ms, 3);
}

/// <summary>The server's latency analytics over the run's window (<c>/api/latency-analytics/summary?source=interview</c>).</summary>
/// <param name="ClientCount">Interview responses the run received in that window (create_interview and take_turn successes).</param>
internal sealed record AnalyticsCheck(DateTimeOffset From, DateTimeOffset To, bool Exact, long ServerCount, long ClientCount, double ServerP50Ms, double ServerP95Ms, double ServerP99Ms);

internal sealed record CrossCheck(IReadOnlyList<CrossCheckRow> Rows, AnalyticsCheck? Analytics, string? AnalyticsProblem);

/// <summary>Everything a run measured: what <c>--output</c> writes as JSON and what the tables show.</summary>
internal sealed record LoadResult(
    string Server,
    string Mode,
    string Command,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double P95BudgetMs,
    IReadOnlyList<PhaseResult> Phases,
    IReadOnlyList<ScenarioPhaseResult> Scenarios,
    long Scheduled,
    long Sent,
    int PeakInFlight,
    int MaxInFlight,
    double CpuSeconds,
    StressOutcome? Stress,
    CrossCheck? CrossCheck,
    StoredCheckResult? Verification = null)
{
    public const string AllPhases = "all";

    /// <summary>
    /// The run's verdict, what <c>promptly load</c> exits with: every phase kept the budget; for a stress run, whose
    /// last step is meant to break it, at least one step held.
    /// </summary>
    public bool BudgetKept => Mode == "stress" ? Stress?.LastGoodRate is not null : Phases.All(p => p.WithinBudget);

    /// <summary>
    /// What <c>promptly load</c> exits with: a turn acknowledged and not stored (<c>--verify</c>) outweighs any
    /// latency, and a verification that could not read everything back is no verdict at all.
    /// </summary>
    public int ExitCode => Verification switch
    {
        { ProblemSessions: > 0 } => ExitCodes.NotStored,
        { Unreadable: > 0 } => ExitCodes.Unavailable,
        _ => BudgetKept ? ExitCodes.Ok : ExitCodes.BudgetMissed,
    };

    /// <summary>Requests counted as scheduled but not sent because no session was available.</summary>
    public long Skipped => Scenarios.Where(r => r.Phase != AllPhases).Sum(r => r.Skipped);

    /// <summary>This process's CPU time per request sent, in µs: what the generator costs (with <c>--self-test</c>, the fake server's too).</summary>
    public double CpuMicrosPerRequest => Sent == 0 ? 0 : Math.Round(CpuSeconds * 1e6 / Sent, 1);

    public static LoadResult From(LoadSettings settings, LoadRunner runner, string command, DateTimeOffset startedAt, DateTimeOffset endedAt, TimeSpan cpu)
    {
        var recorder = runner.Recorder;
        var phases = new List<PhaseResult>();
        var rows = new List<ScenarioPhaseResult>();
        var totalSeconds = 0.0;
        for (var p = 0; p < runner.PhasesRun; p++)
        {
            var phase = settings.Phases[p];
            var seconds = Math.Max(1e-3, runner.PhaseElapsed(p).TotalSeconds);
            totalSeconds += seconds;
            var count = 0L;
            var errors = 0L;
            for (var s = 0; s < settings.Scenarios.Count; s++)
            {
                var row = Row(settings.Scenarios[s], phase.Name, seconds, [recorder[s, p]]);
                rows.Add(row);
                count += row.Count;
                errors += row.ErrorCount;
            }

            var lag = recorder.Lag[p];
            var verdict = runner.Verdict(p);
            phases.Add(new PhaseResult(phase.Name, Math.Round(seconds, 3), phase.Rate, recorder.Scheduled(p), count, Math.Round(count / seconds, 1),
                LatencyFigures.From(recorder.PhaseLatency(p)), errors, verdict.WithinBudget,
                LagMs(lag, 50), LagMs(lag, 99), lag.TotalCount == 0 ? 0 : Math.Round(lag.GetMaxValue() / 1000.0, 3), verdict.MissedBecause));
        }

        if (runner.PhasesRun > 1)
        {
            for (var s = 0; s < settings.Scenarios.Count; s++)
            {
                rows.Add(Row(settings.Scenarios[s], AllPhases, totalSeconds, [.. Enumerable.Range(0, runner.PhasesRun).Select(p => recorder[s, p])]));
            }
        }

        return new LoadResult(settings.Server.ToString(), settings.Mode.ToString().ToLowerInvariant(), command, startedAt, endedAt, settings.P95BudgetMs, phases, rows,
            phases.Sum(p => p.Scheduled), phases.Sum(p => p.Count), runner.PeakInFlight, settings.Mode == LoadMode.Closed ? settings.Connections : settings.MaxInFlight,
            Math.Round(cpu.TotalSeconds, 3), runner.Stress, null);
    }

    private static ScenarioPhaseResult Row(LoadScenario scenario, string phase, double seconds, IReadOnlyList<LoadCell> cells)
    {
        var client = LatencyHistograms.Create();
        var server = LatencyHistograms.Create();
        var service = LatencyHistograms.Create();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        long errorCount = 0, skipped = 0;
        foreach (var cell in cells)
        {
            client.Add(cell.Client);
            server.Add(cell.Server);
            service.Add(cell.Service);
            errorCount += cell.ErrorCount;
            skipped += cell.Skipped;
            foreach (var (kind, n) in cell.Errors()) errors[kind] = errors.GetValueOrDefault(kind) + n;
        }

        var count = client.TotalCount + errorCount;
        return new ScenarioPhaseResult(scenario.Name, LoadScenario.KindName(scenario.Kind), phase, count, Math.Round(count / seconds, 1), LatencyFigures.From(client),
            LatencyFigures.From(service), errorCount, errors, skipped, server.TotalCount == 0 ? null : LatencyFigures.From(server));
    }

    private static double LagMs(HistogramBase lag, double percentile) => Math.Round(LatencyHistograms.ValueAtPercentileMs(lag, percentile), 3);
}

using Promptly.Latency;

namespace Promptly.Load;

/// <summary>
/// Whether a phase kept the budget, and if not why: the one judgement behind the phase table's <c>kept</c> /
/// <c>MISSED</c>, the step where a stress run stops, and the exit code.
/// </summary>
/// <param name="MissedBecause">Null when kept; otherwise the first reason found, in one line.</param>
internal sealed record PhaseVerdict(string? MissedBecause)
{
    // A phase that starts fewer than this share of its requests on schedule has not held its rate.
    private const double MinimumRateShare = 0.9;
    private static readonly TimeSpan MinimumLateness = TimeSpan.FromSeconds(0.5);

    public static PhaseVerdict Kept { get; } = new((string?)null);

    public bool WithinBudget => MissedBecause is null;

    /// <summary>
    /// Judges phase <paramref name="p"/> from what <paramref name="recorder"/> holds (harvested, its requests finished):
    /// missed when any request failed, when a scenario's p95 (from the intended send time) is over the budget, or, for
    /// a phase with a rate, when its requests could not be started on time because every slot was busy.
    /// </summary>
    /// <param name="elapsed">How long the phase lasted, from its start until its last request had been started and its time was up.</param>
    /// <param name="slotsRanOut">
    /// Whether a request of the phase had to wait for one of <see cref="LoadSettings.MaxInFlight"/> slots. Only then is
    /// lateness the server's doing: a generator that stalled with slots free (the machine was busy) says nothing of it.
    /// </param>
    public static PhaseVerdict Of(LoadSettings settings, LoadRecorder recorder, int p, TimeSpan elapsed, bool slotsRanOut)
    {
        for (var s = 0; s < settings.Scenarios.Count; s++)
        {
            var cell = recorder[s, p];
            var name = settings.Scenarios[s].Name;
            if (cell.ErrorCount > 0)
            {
                var errors = cell.Errors().OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} ×{e.Value}");
                return new PhaseVerdict($"{name}: {cell.ErrorCount} errors ({string.Join(", ", errors)})");
            }

            var p95 = LatencyHistograms.ValueAtPercentileMs(cell.Client, 95);
            if (p95 > settings.P95BudgetMs) return new PhaseVerdict($"{name}: p95 {p95:0.#} ms > {settings.P95BudgetMs:0.#} ms");
        }

        // A phase whose requests could not all be started on time (every slot busy) did not really run at its rate,
        // however good the latency of the requests it managed to send. Its last request then leaves late: over 10% of
        // the phase's length, and over half a second, so that a short phase is not judged on one stall of the machine.
        var phase = settings.Phases[p];
        if (phase.Rate <= 0 || !slotsRanOut) return Kept;
        var allowed = TimeSpan.FromTicks(Math.Max((long)(phase.Duration.Ticks * (1 / MinimumRateShare - 1)), MinimumLateness.Ticks));
        if (elapsed - phase.Duration <= allowed) return Kept;
        var started = recorder.Scheduled(p) / Math.Max(1e-3, elapsed.TotalSeconds);
        return new PhaseVerdict($"only {started:0} of the {phase.Rate:0} requests/s could be started on time ({settings.MaxInFlight} in flight)");
    }
}

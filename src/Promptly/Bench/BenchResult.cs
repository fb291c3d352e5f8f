using Promptly.Latency;

namespace Promptly.Bench;

/// <summary>What one <c>promptly bench</c> run measured; <c>--json</c> prints it as it is (snake_case).</summary>
/// <param name="Url">The server's base URL.</param>
/// <param name="Turns">Turns measured: always the number asked for.</param>
/// <param name="Sessions">Interviews the turns ran in: a new one is started whenever one ends, and starting it is not a turn.</param>
/// <param name="Client">Each turn as the client saw it: from sending the request to the last byte of the answer.</param>
/// <param name="Server">Each turn's own latency record, <c>latency.response_time_ms</c> of its answer.</param>
/// <param name="MedianOverheadMs">The median over the turns of client minus server time: network, HTTP and the part of the server the record does not cover (the commit's fsync, writing the answer).</param>
/// <param name="WithinBudget">Whether the client-side p95 is at most <paramref name="P95BudgetMs"/>.</param>
/// <param name="SessionIds">The sessions used, in order, to look their records up on the server.</param>
internal sealed record BenchResult(
    string Url,
    string Concept,
    int Turns,
    int Sessions,
    BenchFigures Client,
    BenchFigures Server,
    double MedianOverheadMs,
    double P95BudgetMs,
    bool WithinBudget,
    IReadOnlyList<string> SessionIds)
{
    public static BenchResult From(BenchArguments arguments, IReadOnlyList<TurnTiming> timings, IReadOnlyList<string> sessionIds)
    {
        var client = BenchFigures.Of(timings.Select(t => t.ClientMs));
        var overhead = new ExactDistribution(timings.Select(t => t.ClientMs - t.ServerMs)).Percentile(50);
        return new BenchResult(
            arguments.Server.ToString(), arguments.Concept, timings.Count, sessionIds.Count, client, BenchFigures.Of(timings.Select(t => t.ServerMs)),
            BenchFigures.Round(overhead), arguments.P95BudgetMs, client.P95Ms <= arguments.P95BudgetMs, sessionIds);
    }
}

/// <summary>One turn: how long the client waited, and what the server's latency record says it took.</summary>
internal readonly record struct TurnTiming(double ClientMs, double ServerMs);

/// <summary>Average, percentiles (numpy's linear interpolation, exact) and extremes of a set of turns, in ms.</summary>
internal sealed record BenchFigures(double AverageMs, double MedianMs, double P95Ms, double P99Ms, double MinMs, double MaxMs)
{
    public static BenchFigures Of(IEnumerable<double> ms)
    {
        var distribution = new ExactDistribution(ms);
        var percentiles = distribution.Percentiles(50, 95, 99);
        return new BenchFigures(
            Round(distribution.Mean), Round(percentiles[0]), Round(percentiles[1]), Round(percentiles[2]), Round(distribution.Min), Round(distribution.Max));
    }

    /// <summary>To the microsecond, as the server's records are: finer digits are noise.</summary>
    public static double Round(double ms) => Math.Round(ms, 3);
}

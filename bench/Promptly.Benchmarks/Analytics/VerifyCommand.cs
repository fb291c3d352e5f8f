using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Promptly.Analytics;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// <c>verify</c>: the analytics answers (<see cref="LatencyAnalytics.SummaryAsync"/>, <see cref="LatencyAnalytics.ByPhaseAsync"/>)
/// against the exact figures computed from the raw rows, over several windows. Fails (exit 1) when a percentile is
/// more than 1% off or a count, the compliance, the min, max, average or standard deviation differ.
/// </summary>
internal static class VerifyCommand
{
    private const double MaxPercentileError = 0.01;
    private static readonly double[] Qs = [50, 90, 95, 99];

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = $"Data folder (default ${GeneratedData.FolderVariable} or {GeneratedData.DefaultFolder})." };
        var repeat = new Option<int>("--repeat") { Description = "Timed repeats of each analytics query (median shown).", DefaultValueFactory = _ => 11 };
        var command = new Command("verify", "Compare the analytics answers with the exact figures from the raw rows.") { data, repeat };
        command.SetAction((parse, cancellationToken) => RunAsync(GeneratedData.Folder(parse.GetValue(data)), Math.Max(1, parse.GetValue(repeat)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string folder, int repeat, CancellationToken cancellationToken)
    {
        GeneratedData generated;
        try
        {
            generated = GeneratedData.Read(folder);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var database = Path.Combine(folder, "promptly.db");
        var now = generated.Now;
        // Windows computed here rather than by the product: days=N is the last N UTC calendar days, today included.
        var tomorrow = now.UtcDateTime.Date.AddDays(1);
        var hour = new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, DateTimeKind.Utc);
        var fromTo = (From: tomorrow.AddDays(-4).AddHours(5), To: tomorrow.AddDays(-2).AddHours(19));
        var small = (From: hour.AddHours(-3), To: hour.AddHours(-2));
        var tiny = (From: small.From, To: small.From.AddMinutes(5));
        Window[] windows =
        [
            new("days=30", new AnalyticsRequest(Days: 30), tomorrow.AddDays(-30), tomorrow),
            new("days=7", new AnalyticsRequest(Days: 7), tomorrow.AddDays(-7), tomorrow),
            new("days=1", new AnalyticsRequest(Days: 1), tomorrow.AddDays(-1), tomorrow),
            new($"{fromTo.From:MM-ddTHH}..{fromTo.To:MM-ddTHH}", new AnalyticsRequest(From: fromTo.From, To: fromTo.To), fromTo.From, fromTo.To),
            new("days=7 INVITED", new AnalyticsRequest(Days: 7, InterviewType: "INVITED"), tomorrow.AddDays(-7), tomorrow),
            new($"{small.From:MM-ddTHH}..{small.To:MM-ddTHH}", new AnalyticsRequest(From: small.From, To: small.To), small.From, small.To),
            new($"{tiny.From:MM-ddTHH:mm}..{tiny.To:HH:mm}", new AnalyticsRequest(From: tiny.From, To: tiny.To), tiny.From, tiny.To),
        ];

        Console.WriteLine($"verify: {database}, generated {generated.Responses:N0} responses over {generated.Days} days, clock fixed at {now:yyyy-MM-ddTHH:mm:ss}Z");
        await using var store = ProductServices.OpenStore(folder);
        var analytics = ProductServices.Analytics(store, generated.Clock);
        var checks = new Checks();
        var timings = new List<string>();
        foreach (var window in windows)
        {
            var type = window.Request.InterviewType;
            var naive = Stopwatch.StartNew();
            var exact = ExactFigures.Read(database, Ms(window.From), Ms(window.To), type);
            var naiveMs = naive.Elapsed.TotalMilliseconds;

            var (summary, summaryMs) = await TimedAsync(() => analytics.SummaryAsync(window.Request, cancellationToken), repeat);
            var (phases, byPhaseMs) = await TimedAsync(() => analytics.ByPhaseAsync(window.Request, cancellationToken), repeat);
            checks.Window = window.Name;
            Console.WriteLine();
            Console.WriteLine($"== {window.Name}: [{window.From:yyyy-MM-ddTHH:mm}Z, {window.To:yyyy-MM-ddTHH:mm}Z) {exact.Total.Count:N0} responses, answered {(summary.Scope.Exact ? "exactly from raw rows" : "from digests")}");
            CompareSummary(checks, summary, exact, window);
            ComparePhases(checks, phases, exact);
            timings.Add($"{window.Name,-22} {exact.Total.Count,12:N0} {naiveMs,14:N0} ms {summaryMs,12:F2} ms {byPhaseMs,12:F2} ms {naiveMs / summaryMs,12:N0}x");
        }

        Console.WriteLine();
        Console.WriteLine($"time: naive exact computation (SQL read of every row + sort) vs analytics query (median of {repeat} after one warm-up)");
        Console.WriteLine($"{"window",-22} {"responses",12} {"naive exact",17} {"SummaryAsync",15} {"ByPhaseAsync",15} {"ratio",13}");
        foreach (var line in timings) Console.WriteLine(line);

        Console.WriteLine();
        Console.WriteLine("largest relative error of each percentile, over every window and series (total and each phase):");
        foreach (var (q, error) in checks.MaxErrors.OrderBy(e => e.Key)) Console.WriteLine($"  p{q,-3} {error * 100,8:F4}%");
        Console.WriteLine($"counts, compliance, min, max, average, std dev, share of total: {checks.Compared:N0} figures compared");
        if (checks.Failures.Count == 0)
        {
            Console.WriteLine("PASS: every percentile within 1% of the exact value; every count, compliance and moment matches.");
            return 0;
        }

        Console.WriteLine($"FAIL: {checks.Failures.Count} figures off:");
        foreach (var failure in checks.Failures.Take(50)) Console.WriteLine($"  {failure}");
        return 1;
    }

    private static void CompareSummary(Checks checks, LatencySummary summary, ExactFigures exact, Window window)
    {
        var total = exact.Total;
        checks.Same("total_count", summary.TotalCount, total.Count);
        checks.Same("within_budget", summary.WithinBudget, exact.WithinBudget);
        checks.Same("failed", summary.Failed, exact.Failed);
        checks.Same("compliance_rate", summary.ComplianceRate ?? -1, Math.Round((double)exact.WithinBudget / total.Count, 6));
        checks.Same("scope.from", summary.Scope.From.ToUnixTimeMilliseconds(), Ms(window.From));
        checks.Same("scope.to", summary.Scope.To.ToUnixTimeMilliseconds(), Ms(window.To));
        checks.Close("average_ms", summary.AverageMs, total.Mean);
        checks.Close("min_ms", summary.MinMs, total.Min);
        checks.Close("max_ms", summary.MaxMs, total.Max);
        var slowest = exact.Phases.MaxBy(p => p.Value.Mean);
        checks.Same("slowest_phase", summary.SlowestPhase ?? "", slowest.Key);
        checks.Close("slowest_phase_average_ms", summary.SlowestPhaseAverageMs ?? -1, slowest.Value.Mean);

        Console.WriteLine($"  {"series",-9} {"count",11} {"within",11} {"failed",7}  {"p50 exact",10} {"err",8}  {"p90 exact",10} {"err",8}  {"p95 exact",10} {"err",8}  {"p99 exact",10} {"err",8}");
        double[] answered = [summary.P50Ms, summary.P90Ms, summary.P95Ms, summary.P99Ms];
        Console.WriteLine($"  {"total",-9} {total.Count,11:N0} {exact.WithinBudget,11:N0} {exact.Failed,7:N0}  {PercentileCells(checks, "total", total, Qs, answered)}");
    }

    private static void ComparePhases(Checks checks, PhaseBreakdown breakdown, ExactFigures exact)
    {
        checks.Same("phase names", string.Join(",", breakdown.Phases.Select(p => p.Phase).Order(StringComparer.Ordinal)),
            string.Join(",", exact.Phases.Keys.Order(StringComparer.Ordinal)));
        var allTime = exact.Phases.Values.Sum(p => p.Sum);
        foreach (var stats in breakdown.Phases)
        {
            if (!exact.Phases.TryGetValue(stats.Phase, out var series)) continue;
            checks.Same($"{stats.Phase}.sample_count", stats.SampleCount, series.Count);
            checks.Close($"{stats.Phase}.average_ms", stats.AverageMs, series.Mean);
            checks.Close($"{stats.Phase}.min_ms", stats.MinMs, series.Min);
            checks.Close($"{stats.Phase}.max_ms", stats.MaxMs, series.Max);
            checks.Close($"{stats.Phase}.std_dev_ms", stats.StdDevMs, series.StdDev);
            checks.Close($"{stats.Phase}.share_of_total", stats.ShareOfTotal, series.Sum / allTime, decimals: 4);
            Console.WriteLine($"  {stats.Phase,-9} {series.Count,11:N0} {"",11} {"",7}  {PercentileCells(checks, stats.Phase, series, [50, 0, 95, 99], [stats.P50Ms, 0, stats.P95Ms, stats.P99Ms])}");
        }
    }

    /// <summary>"exact err" cells for each percentile; a q of 0 is one the endpoint does not answer.</summary>
    private static string PercentileCells(Checks checks, string series, ExactSeries exact, double[] qs, double[] answered)
    {
        var cells = new List<string>();
        for (var i = 0; i < qs.Length; i++)
        {
            if (qs[i] == 0)
            {
                cells.Add($"{"-",10} {"",8}");
                continue;
            }

            var value = exact.Percentile(qs[i]);
            var error = checks.Percentile($"{series}.p{qs[i]}", qs[i], answered[i], value);
            cells.Add($"{value,10:F3} {error * 100,7:F3}%");
        }

        return string.Join("  ", cells);
    }

    private static async Task<(T Answer, double MedianMs)> TimedAsync<T>(Func<Task<T>> query, int repeat)
    {
        var answer = await query();
        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            answer = await query();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (answer, times[repeat / 2]);
    }

    private static long Ms(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();

    private sealed record Window(string Name, AnalyticsRequest Request, DateTime From, DateTime To);

    private sealed class Checks
    {
        public string Window { get; set; } = "";
        public List<string> Failures { get; } = [];
        public Dictionary<double, double> MaxErrors { get; } = [];
        public int Compared { get; private set; }

        public void Same<T>(string name, T answered, T exact) where T : IEquatable<T>
        {
            Compared++;
            if (!answered.Equals(exact)) Failures.Add($"{Window}: {name} is {answered}, exactly {exact}");
        }

        /// <summary>The endpoints round to <paramref name="decimals"/>; anything beyond that rounding (plus float noise) is a failure.</summary>
        public void Close(string name, double answered, double exact, int decimals = 3)
        {
            Compared++;
            var tolerance = (0.5 * Math.Pow(10, -decimals)) + (1e-9 * Math.Abs(exact));
            if (Math.Abs(answered - exact) > tolerance)
            {
                Failures.Add($"{Window}: {name} is {answered.ToString(CultureInfo.InvariantCulture)}, exactly {exact.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        public double Percentile(string name, double q, double answered, double exact)
        {
            var error = exact == 0 ? Math.Abs(answered) : Math.Abs(answered - exact) / Math.Abs(exact);
            MaxErrors[q] = Math.Max(MaxErrors.GetValueOrDefault(q), error);
            if (error > MaxPercentileError)
            {
                Failures.Add($"{Window}: {name} is {answered.ToString(CultureInfo.InvariantCulture)}, exactly {exact.ToString("R", CultureInfo.InvariantCulture)} ({error * 100:F3}% off)");
            }

            return error;
        }
    }
}

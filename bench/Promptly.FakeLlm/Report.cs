using System.Globalization;
using System.Text.Json.Nodes;

namespace Promptly.FakeLlm;

/// <summary>
/// Sets a Promptly server's latency records (<c>GET /api/latency/slow</c>, the last hour, up to 1,000) against the
/// fake provider's log of the same calls (<c>GET /admin/calls</c>) and prints what Promptly added around each one.
/// </summary>
/// <remarks>
/// A record is matched to the calls that started between its arrival (its stored time, whole ms, minus
/// <c>response_time_ms</c>) and its stored time; turns run one at a time, so a record with exactly one call that
/// answered is a clean pair. Overhead = <c>response_time_ms</c> − the provider's own total for that call.
/// </remarks>
internal static class Report
{
    private sealed record Row(int Question, double ResponseMs, double? FirstTokenPhaseMs, bool Fallback, string? Cause, bool Failed, DateTimeOffset Stored);

    public static async Task<int> RunAsync(Uri server, Uri fake, int fromQuestion)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var slow = (await http.GetFromJsonAsync<JsonObject>(new Uri(server, "/api/latency/slow?hours=1&limit=1000")))!;
        var rows = slow["responses"]!.AsArray().Select(r => new Row(
            r!["question_number"]!.GetValue<int>(),
            r["response_time_ms"]!.GetValue<double>(),
            r["phases"]?["ai_first_token"]?.GetValue<double>(),
            r["fallback"]!.GetValue<bool>(),
            r["fallback_cause"]?.GetValue<string>(),
            r["failed"]!.GetValue<bool>(),
            r["timestamp"]!.GetValue<DateTimeOffset>())).ToList();
        ProviderCall[] calls = [];
        try
        {
            calls = await http.GetFromJsonAsync(new Uri(fake, "/admin/calls"), FakeLlmJson.Default.ProviderCallArray) ?? [];
        }
        catch (HttpRequestException e)
        {
            Console.WriteLine($"(the fake provider's log could not be read: {e.Message}; overhead not computed)");
        }

        var answered = rows.Where(r => r.Question >= fromQuestion).ToList();
        var all = answered.Select(r => r.ResponseMs).ToList();
        Console.WriteLine($"responses (question >= {fromQuestion}): {answered.Count}; failed: {answered.Count(r => r.Failed)}; " +
            $"fallbacks: {answered.Count(r => r.Fallback)}; over 2,000 ms: {all.Count(v => v > 2000)}; over 5,000 ms: {all.Count(v => v > 5000)}");
        Console.WriteLine($"server response_time_ms: {Line(all)}");
        foreach (var cause in answered.Where(r => r.Fallback).GroupBy(r => (r.Cause ?? "?").Split(':')[0]).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"  fallback {cause.Key}: {cause.Count()} (max {F(cause.Max(r => r.ResponseMs))} ms; e.g. \"{cause.First().Cause}\")");
        }

        Console.WriteLine($"provider calls logged: {calls.Length}; by outcome: " +
            string.Join(", ", calls.GroupBy(c => c.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));

        var pairs = new List<(Row Row, ProviderCall Call)>();
        foreach (var row in answered.Where(r => !r.Fallback && !r.Failed))
        {
            var arrival = row.Stored.AddMilliseconds(-row.ResponseMs - 1);
            var matched = calls.Where(c => c.Started >= arrival && c.Started <= row.Stored.AddMilliseconds(1)).ToList();
            if (matched is [{ Outcome: "ok" } call]) pairs.Add((row, call));
        }

        if (pairs.Count == 0) return 0;
        Console.WriteLine($"clean pairs (one answered call, no fallback): {pairs.Count} of {answered.Count}");
        Console.WriteLine($"provider total_ms (its own time): {Line([.. pairs.Select(p => p.Call.TotalMs)])}");
        Console.WriteLine($"overhead = response_time_ms - provider total_ms: {Line([.. pairs.Select(p => p.Row.ResponseMs - p.Call.TotalMs)])}");
        var ttft = pairs.Where(p => p.Row.FirstTokenPhaseMs is not null && p.Call.FirstTokenMs is not null).ToList();
        Console.WriteLine($"recorded ai_first_token phase: {Line([.. ttft.Select(p => p.Row.FirstTokenPhaseMs!.Value)])}; " +
            $"configured {F(ttft.FirstOrDefault().Call?.ConfiguredFirstTokenMs ?? double.NaN)} ms");
        Console.WriteLine($"provider's own first token: {Line([.. ttft.Select(p => p.Call.FirstTokenMs!.Value)])}");
        Console.WriteLine($"recorded ai_first_token - provider's first token: {Line([.. ttft.Select(p => p.Row.FirstTokenPhaseMs!.Value - p.Call.FirstTokenMs!.Value)])}");
        return 0;
    }

    private static string Line(List<double> values) => values.Count == 0
        ? "none"
        : $"n {values.Count}, p50 {F(Percentile(values, 50))}, p95 {F(Percentile(values, 95))}, p99 {F(Percentile(values, 99))}, max {F(values.Max())} ms";

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Linear interpolation between the closest ranks (numpy's default), as Promptly's own percentiles.</summary>
    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var h = (sorted.Length - 1) * q / 100;
        var low = (int)Math.Floor(h);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((h - low) * (sorted[high] - sorted[low]));
    }
}

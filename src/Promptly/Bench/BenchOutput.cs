using System.Globalization;
using System.Text.Json;
using System.Text;
using Spectre.Console;
using Promptly.Load;

namespace Promptly.Bench;

/// <summary>How <c>promptly bench</c> shows its result: a table for people, one JSON object for scripts.</summary>
internal static class BenchOutput
{
    public static void WriteTable(IAnsiConsole console, BenchResult result)
    {
        var sessions = result.Sessions == 1
            ? "in 1 session"
            : $"in {Counts.Format(result.Sessions)} sessions (a new one whenever an interview ended; starting one is not a turn)";
        console.WriteLine($"promptly bench {result.Url}: {Counts.Format(result.Turns)} turns of {result.Concept}, one at a time, {sessions}");

        var table = new Table().AddColumn("Figure").AddColumn(new TableColumn("Client ms").RightAligned()).AddColumn(new TableColumn("Server ms").RightAligned());
        table.AddRow("Turns", Counts.Format(result.Turns), Counts.Format(result.Turns));
        Row(table, "Average", result.Client.AverageMs, result.Server.AverageMs);
        Row(table, "Median", result.Client.MedianMs, result.Server.MedianMs);
        Row(table, "p95", result.Client.P95Ms, result.Server.P95Ms);
        Row(table, "p99", result.Client.P99Ms, result.Server.P99Ms);
        Row(table, "Min", result.Client.MinMs, result.Server.MinMs);
        Row(table, "Max", result.Client.MaxMs, result.Server.MaxMs);
        console.Write(table);

        console.WriteLine("Client: request sent to last byte of the answer. Server: each answer's latency.response_time_ms (its own record).");
        console.WriteLine($"Median network and client overhead (client minus server, per turn): {Ms(result.MedianOverheadMs)} ms");
        console.WriteLine(result.WithinBudget
            ? $"PASS: client p95 {Ms(result.Client.P95Ms)} ms is within the budget of {Budget(result.P95BudgetMs)} ms"
            : $"FAIL: client p95 {Ms(result.Client.P95Ms)} ms is over the budget of {Budget(result.P95BudgetMs)} ms");
    }

    /// <summary>Indented, as <c>analyze --json</c> prints.</summary>
    public static void WriteJson(TextWriter output, BenchResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(json, result, BenchJson.Default.BenchResult);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void Row(Table table, string figure, double client, double server) => table.AddRow(figure, Ms(client), Ms(server));

    /// <summary>
    /// Milliseconds with three significant decimals where they matter: a local turn takes about a millisecond, so
    /// tenths alone would hide the difference between client and server.
    /// </summary>
    public static string Ms(double ms) => ms switch
    {
        < 10 => ms.ToString("0.000", CultureInfo.InvariantCulture),
        < 1000 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        _ => ms.ToString("#,0.0", CultureInfo.InvariantCulture),
    };

    private static string Budget(double ms) => ms.ToString("#,0.#########", CultureInfo.InvariantCulture);

}

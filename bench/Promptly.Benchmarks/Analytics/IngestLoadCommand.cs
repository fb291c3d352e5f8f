using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Promptly.Benchmarks.Analytics;

/// <summary>
/// <c>ingest-load</c>: posts batches of events to <c>POST /api/latency/events</c> of a running server in a closed loop
/// for a fixed time and reports events and phase samples accepted per second. Each batch is committed (fsynced) by
/// the server before it answers.
/// </summary>
internal static class IngestLoadCommand
{
    private const int PhasesPerEvent = 4;
    private const int DistinctBodies = 16;

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Base URL of the server.", DefaultValueFactory = _ => "http://127.0.0.1:5081" };
        var batch = new Option<int>("--batch") { Description = "Events per request.", DefaultValueFactory = _ => 1000 };
        var connections = new Option<int>("--connections") { Description = "Requests in flight.", DefaultValueFactory = _ => 4 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of warm-up, not measured.", DefaultValueFactory = _ => 2 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds measured.", DefaultValueFactory = _ => 10 };
        var command = new Command("ingest-load", "Measure the ingest API's throughput against a running server (bounded: warm-up + seconds).")
        {
            server, batch, connections, warmup, seconds,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(server)!, parse.GetValue(batch), parse.GetValue(connections),
            parse.GetValue(warmup), parse.GetValue(seconds), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string server, int batch, int connections, int warmup, int seconds, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseUri) || batch is < 1 or > 10_000 || connections is < 1 or > 256 || seconds is < 1 or > 600 || warmup is < 0 or > 60)
        {
            Console.Error.WriteLine("error: need an http URL, 1 to 10,000 events per batch, 1 to 256 connections, 1 to 600 s and 0 to 60 s of warm-up.");
            return 2;
        }

        var random = new Random(11);
        var bodies = Enumerable.Range(0, DistinctBodies).Select(b => Body(random, b, batch)).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        var measureFrom = TimeSpan.FromSeconds(warmup);
        var end = measureFrom + TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var result = new WorkerResult();
            for (var i = c; clock.Elapsed < end; i += connections)
            {
                var sent = clock.Elapsed;
                using var content = new ByteArrayContent(bodies[i % DistinctBodies]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/latency/events", content, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var took = clock.Elapsed - sent;
                if (sent < measureFrom || clock.Elapsed > end) continue;
                if (response.IsSuccessStatusCode)
                {
                    result.Batches++;
                    result.Latencies.Add(took.TotalMilliseconds);
                }
                else
                {
                    result.Errors++;
                }
            }

            return result;
        }, cancellationToken)).ToArray();
        var results = await Task.WhenAll(workers);

        var batches = results.Sum(r => r.Batches);
        var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
        var events = (long)batches * batch;
        Console.WriteLine($"ingest: {batches:N0} batches of {batch:N0} events ({PhasesPerEvent} phases each), {connections} connections, {seconds} s measured after {warmup} s warm-up");
        Console.WriteLine($"  {events / (double)seconds,12:N0} events/s accepted");
        Console.WriteLine($"  {events * PhasesPerEvent / (double)seconds,12:N0} phase samples/s accepted");
        if (latencies.Length > 0)
        {
            Console.WriteLine($"  batch latency p50 {latencies[latencies.Length / 2]:F1} ms, p99 {latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))]:F1} ms");
        }

        Console.WriteLine($"  errors: {results.Sum(r => r.Errors)}");
        return results.Sum(r => r.Errors) == 0 && batches > 0 ? 0 : 1;
    }

    /// <summary>A batch of CI-pipeline runs without timestamps (the server stamps them now).</summary>
    private static byte[] Body(Random random, int number, int batch)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            for (var i = 0; i < batch; i++)
            {
                json.WriteStartObject();
                json.WriteString("source", "ci");
                json.WriteString("run_id", $"build-{number}-{i}");
                json.WriteStartObject("phases");
                json.WriteNumber("Plan", Math.Round(9000 * Math.Exp(0.3 * Gaussian(random)), 1));
                json.WriteNumber("Build", Math.Round(250_000 * Math.Exp(0.2 * Gaussian(random)), 1));
                json.WriteNumber("Test", Math.Round(140_000 * Math.Exp(0.4 * Gaussian(random)), 1));
                json.WriteNumber("Lint", Math.Round(13_000 * Math.Exp(0.3 * Gaussian(random)), 1));
                json.WriteEndObject();
                json.WriteStartObject("tags");
                json.WriteString("branch", i % 5 == 0 ? "release" : "main");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return stream.ToArray();
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    private sealed class WorkerResult
    {
        public int Batches { get; set; }
        public int Errors { get; set; }
        public List<double> Latencies { get; } = [];
    }
}

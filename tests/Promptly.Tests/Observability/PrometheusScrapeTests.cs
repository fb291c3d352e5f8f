using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Promptly.Tests.Support;

namespace Promptly.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a real server (its own process, metrics on a port of their own) while interviews run,
/// and is asked through its HTTP API: what it holds must be what was sent, and the compliance it computes from the
/// buckets must be the server's own, exactly.
/// </summary>
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    // Hang guards, not timings under test: Prometheus scrapes every second, so a few seconds is the normal wait.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const int Sessions = 4;
    private const int TurnsEach = 3;

    private readonly string _folder = Directory.CreateTempSubdirectory("promptly-prometheus-").FullName;
    private Process? _prometheus;
    private HttpListener? _relay;
    private readonly Channel<bool> _scrapes = Channel.CreateUnbounded<bool>();

    [FactWhenInstalled(Needs.Prometheus, Needs.Promtool)]
    public async Task Prometheus_SeesEveryRequestAndResponse_AndComputesTheServersComplianceExactly()
    {
        var metricsPort = ServerProcess.FreePort();
        // A threshold of 1 ms puts some responses within the budget and some over it.
        await using var server = await ServerProcess.StartAsync(_folder, Path.Combine(_folder, "data"), "test-operator-key", new Dictionary<string, string?>
        {
            ["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Latency:ThresholdMs"] = "1",
        });
        var prometheus = StartPrometheus(StartRelay(metricsPort));

        for (var i = 0; i < Sessions; i++)
        {
            var id = (await server.Client.StartAsync()).Id();
            for (var turn = 0; turn < TurnsEach; turn++) await server.Client.TurnAsync(id, $"It tastes creamy, answer {turn}.");
        }

        // Every response: each session's greeting and its turns. Waiting for Prometheus to hold all of them is waiting
        // for its next scrape after the last one.
        const int responses = Sessions * (1 + TurnsEach);
        await prometheus.WaitForAsync("sum(promptly_interviewer_responses_total)", responses);

        Assert.Equal(Sessions * TurnsEach, await prometheus.ValueAsync(
            """sum(http_server_request_duration_seconds_count{http_route="/sessions/{id}/turns",http_request_method="POST",http_response_status_code="200"})"""));
        Assert.Equal(Sessions, await prometheus.ValueAsync(
            """sum(http_server_request_duration_seconds_count{http_route="/sessions/",http_request_method="POST",http_response_status_code="200"})"""));
        Assert.Equal(responses, await prometheus.ValueAsync("sum(promptly_interviewer_response_duration_seconds_count)"));

        var compliance = await server.Client.GetJsonAsync("/api/latency/compliance");
        var overall = compliance["overall"]!.AsObject();
        var within = overall["within_budget"]!.GetValue<int>();
        Assert.Equal(responses, overall["total_responses"]!.GetValue<int>());
        Assert.InRange(within, 0, responses - 1);
        // The bucket bounded by the threshold, failed responses left out: exact, not interpolated.
        Assert.Equal(within, await prometheus.ValueAsync("""sum(promptly_interviewer_response_duration_seconds_bucket{le="0.001",error_type=""})"""));
        // On a busy machine every response may miss the 1 ms threshold: a counter never incremented has no series,
        // so none is 0 here.
        Assert.Equal(within, await prometheus.ValueAsync("""sum(promptly_interviewer_responses_total{promptly_budget_outcome="within"}) or vector(0)"""));
        Assert.Equal((double)within / responses, await prometheus.ValueAsync(
            """sum(promptly_interviewer_response_duration_seconds_bucket{le="0.001",error_type=""}) / sum(promptly_interviewer_response_duration_seconds_count)"""));
    }

    [FactWhenInstalled(Needs.Promtool)]
    public async Task ScrapedText_PassesPromtoolCheckMetrics()
    {
        var metricsPort = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(_folder, Path.Combine(_folder, "data"), "test-operator-key", new Dictionary<string, string?>
        {
            ["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
        });
        var id = (await server.Client.StartAsync()).Id();
        await server.Client.TurnAsync(id, "Creamy and a little sweet.");

        using var scraper = new HttpClient();
        var text = await scraper.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("promptly_interviewer_response_duration_seconds_bucket", text);

        var check = new ProcessStartInfo(Needs.OnPath(Needs.Promtool)!, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(check)!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();

        Assert.True(promtool.ExitCode == 0 && output.Trim().Length == 0, $"promtool check metrics (exit {promtool.ExitCode}):\n{output}");
    }

    /// <summary>
    /// The scrape endpoint's access: on the metrics port without credentials and nowhere else; without a metrics
    /// port, on the API's port for operators only.
    /// </summary>
    [Fact]
    public async Task MetricsEndpoint_OnTheApiPort_NeedsAnOperator()
    {
        await using var factory = new PromptlyFactory();
        using var stranger = factory.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = null;
        using var operatorClient = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/metrics")).StatusCode);
        var scraped = await operatorClient.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("promptly_sessions_active", await scraped.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Prometheus scrapes the server through this relay, which says when each scrape has been answered: a query is
    /// asked again after each scrape rather than after a fixed wait. Returns the relay's port.
    /// </summary>
    private int StartRelay(int metricsPort)
    {
        var port = ServerProcess.FreePort();
        _relay = new HttpListener();
        _relay.Prefixes.Add($"http://127.0.0.1:{port}/");
        _relay.Start();
        var server = new HttpClient();
        _ = Task.Run(async () =>
        {
            while (_relay.IsListening)
            {
                HttpListenerContext scrape;
                try
                {
                    scrape = await _relay.GetContextAsync();
                }
                catch (Exception) when (!_relay.IsListening)
                {
                    return;
                }

                var text = await server.GetByteArrayAsync($"http://127.0.0.1:{metricsPort}/metrics");
                scrape.Response.ContentType = "text/plain; version=0.0.4";
                await scrape.Response.OutputStream.WriteAsync(text);
                scrape.Response.Close();
                _scrapes.Writer.TryWrite(true);
            }
        });
        return port;
    }

    private PrometheusProcess StartPrometheus(int metricsPort)
    {
        var port = ServerProcess.FreePort();
        var config = Path.Combine(_folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: promptly
                static_configs:
                  - targets: ['127.0.0.1:{metricsPort}']
            """);
        _prometheus = Process.Start(new ProcessStartInfo(Needs.OnPath(Needs.Prometheus)!,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_folder, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _prometheus.OutputDataReceived += (_, _) => { };
        _prometheus.ErrorDataReceived += (_, _) => { };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        return new PrometheusProcess(new Uri($"http://127.0.0.1:{port}/"), _scrapes.Reader);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _relay?.Close();
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill();
            await _prometheus.WaitForExitAsync();
        }

        _prometheus?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Prometheus's query API: instant queries whose answer is one number.</summary>
    private sealed class PrometheusProcess(Uri url, ChannelReader<bool> scrapes)
    {
        private readonly HttpClient _client = new() { BaseAddress = url };

        public async Task<double?> TryValueAsync(string query)
        {
            try
            {
                var answer = JsonNode.Parse(await _client.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"))!;
                var result = answer["data"]!["result"]!.AsArray();
                return result.Count == 0 ? null : double.Parse(result[0]!["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
                return null;
            }
        }

        public async Task<double> ValueAsync(string query) =>
            await TryValueAsync(query) ?? throw new Xunit.Sdk.XunitException($"Prometheus has no value for {query}");

        /// <summary>
        /// Until <paramref name="query"/> gives <paramref name="expected"/>: asked again after each scrape (one after
        /// the traffic holds all of it), under a hang guard.
        /// </summary>
        public async Task WaitForAsync(string query, double expected)
        {
            using var guard = new CancellationTokenSource(Patience);
            double? last = null;
            try
            {
                while ((last = await TryValueAsync(query)) != expected) await scrapes.ReadAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                Assert.Fail($"Prometheus still had {last?.ToString(CultureInfo.InvariantCulture) ?? "nothing"} for {query} after {Patience.TotalSeconds} s; expected {expected}.");
            }
        }
    }
}
